import { ipcMain } from 'electron';
import { isCallName } from '../../common/api/contract.js';
import type { Result } from '../../common/result.js';
import type { Logger } from '../util/logger.js';
import type { CoreProcess } from './core-process.js';
import { checkIpcSender, type GuardContext } from './ipc-guard.js';

/** The single IPC channel; preload/preload.ts uses the same literal (a test checks they agree). */
export const INVOKE_CHANNEL = 'clientele:invoke';

// One channel, one handler: sender check first, then the contract's call names, then the core.
// The core validates inputs and authorizes (dispatcher); main only decides who may talk.

export function registerIpc(options: { core: CoreProcess; guard: GuardContext; log: Logger }): () => void {
  const { core, guard, log } = options;
  ipcMain.handle(INVOKE_CHANNEL, async (event, method: unknown, input: unknown): Promise<Result<unknown>> => {
    const verdict = checkIpcSender(event, guard);
    if (!verdict.allowed) return refuse(log, verdict.reason, method);
    if (typeof method !== 'string' || !isCallName(method)) return refuse(log, 'not a contract call', method);
    return core.invoke(method, input);
  });
  return () => ipcMain.removeHandler(INVOKE_CHANNEL);
}

function refuse(log: Logger, reason: string, method: unknown): Result<unknown> {
  log.warn({ reason, method: typeof method === 'string' ? method.slice(0, 100) : typeof method }, 'IPC call refused');
  return { ok: false, error: { code: 'FORBIDDEN', message: 'This call is not allowed from here.' } };
}
