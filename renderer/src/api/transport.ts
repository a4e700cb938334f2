import { createApiClient, type ApiClient, type Transport } from '../../../common/api/client.js';
import type { CallName } from '../../../common/api/contract.js';
import type { AppEvent } from '../../../common/api/events.js';
import type { Result } from '../../../common/result.js';

/** What the Electron preload exposes on window.clientele (see preload/preload.ts). */
export type PreloadBridge = {
  readonly host: 'electron';
  invoke(method: CallName, input: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: AppEvent) => void): () => void;
};

declare global {
  interface Window {
    clientele?: PreloadBridge;
  }
}

/** Browser mode: the core's HTTP host on 127.0.0.1; the session cookie rides along. */
const httpTransport: Transport = async (method, input) => {
  try {
    const response = await fetch(`/api/call/${encodeURIComponent(method)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(input ?? {}),
    });
    return (await response.json()) as Result<unknown>;
  } catch (error) {
    return {
      ok: false,
      error: { code: 'TEMPORARY', message: `Clientele's core cannot be reached (${(error as Error).message}).` },
    };
  }
};

export function createHostClient(): ApiClient {
  const bridge = window.clientele;
  return createApiClient(bridge ? (method, input) => bridge.invoke(method, input) : httpTransport);
}

export const api: ApiClient = createHostClient();
