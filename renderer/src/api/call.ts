import type { CallInput, CallName, CallOutput } from '../../../common/api/contract.js';
import type { Result } from '../../../common/result.js';
import { api } from './transport.js';

/**
 * The typed client, but never rejecting: a broken bridge or a crashed core becomes a TEMPORARY
 * result, so every screen handles failure in one shape instead of also needing try/catch.
 */
export async function call<N extends CallName>(method: N, input: CallInput<N>): Promise<Result<CallOutput<N>>> {
  try {
    return await api.call(method, input);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: { code: 'TEMPORARY', message: `Clientele's core cannot be reached (${reason}).` },
    };
  }
}
