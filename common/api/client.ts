import type { Result } from '../result.js';
import type { CallInput, CallName, CallOutput } from './contract.js';

/** How a host carries one call: the preload bridge, fetch, or an in-process core. */
export type Transport = (method: CallName, input: unknown) => Promise<Result<unknown>>;

/** The typed client every front end uses; it never knows which host it runs under. */
export type ApiClient = {
  call<N extends CallName>(method: N, input: CallInput<N>): Promise<Result<CallOutput<N>>>;
};

export function createApiClient(transport: Transport): ApiClient {
  return {
    call: async (method, input) => (await transport(method, input)) as never,
  };
}
