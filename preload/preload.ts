import { contextBridge, ipcRenderer } from 'electron';
import { isCallName, type CallName } from '../common/api/contract.js';
import { parseAppEvent, type AppEvent } from '../common/api/events.js';
import type { Result } from '../common/result.js';

// The renderer's only door to the app: window.clientele (renderer/src/api/transport.ts).
// Runs sandboxed, so it is bundled into one CommonJS file (preload/vite.config.ts) and may only
// require 'electron'. It exposes two functions, never ipcRenderer itself: invoke refuses names that
// are not contract calls before anything is sent (main checks the sender and the name again), and
// onEvent hands on only events that match the events contract.

/** Same literal as INVOKE_CHANNEL in main/electron/ipc.ts (a unit test checks they agree). */
const INVOKE_CHANNEL = 'clientele:invoke';
/** Same literal as EVENT_CHANNEL in main/electron/event-forward.ts. */
const EVENT_CHANNEL = 'clientele:event';

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
  /** Calls `listener` with each event from the core; returns the function that stops it. */
  onEvent(listener: (event: AppEvent) => void): () => void {
    const handler = (_event: unknown, data: unknown): void => {
      const event = parseAppEvent(data);
      if (event) listener(event);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('clientele', bridge);
