import { contextBridge, ipcRenderer } from 'electron';
import { isCallName, type CallName } from '../common/api/contract.js';
import type { Result } from '../common/result.js';

// The renderer's only door to the app: window.clientele (renderer/src/api/transport.ts).
// Runs sandboxed, so it is bundled into one CommonJS file (preload/vite.config.ts) and may only
// require 'electron'. It exposes one function, never ipcRenderer itself, and refuses names that
// are not contract calls before anything is sent; main checks the sender and the name again.

/** Same literal as INVOKE_CHANNEL in main/electron/ipc.ts (a unit test checks they agree). */
const INVOKE_CHANNEL = 'clientele:invoke';

const bridge = {
  host: 'electron' as const,
  async invoke(method: CallName, input: unknown): Promise<Result<unknown>> {
    if (typeof method !== 'string' || !isCallName(method)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'This call is not allowed from here.' } };
    }
    try {
      return (await ipcRenderer.invoke(INVOKE_CHANNEL, method, input)) as Result<unknown>;
    } catch {
      // Input the structured clone cannot carry, or main gone: still a Result, never a throw.
      return { ok: false, error: { code: 'INTERNAL', message: 'The call could not reach Clientele’s core.' } };
    }
  },
};

contextBridge.exposeInMainWorld('clientele', bridge);
