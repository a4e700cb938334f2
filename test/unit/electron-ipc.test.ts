import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../main/util/logger.js';

// The IPC handler of main/electron/ipc.ts, captured from a fake ipcMain: the sender guard runs
// first, then the contract's call names; only then does anything reach the core.

type Handler = (event: unknown, method: unknown, input: unknown) => Promise<unknown>;
const captured = vi.hoisted(() => ({ handlers: new Map<string, Handler>(), removed: [] as string[] }));

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => captured.handlers.set(channel, handler),
    removeHandler: (channel: string) => captured.removed.push(channel),
  },
}));

const { registerIpc, INVOKE_CHANNEL } = await import('../../main/electron/ipc.js');

const invoke = vi.fn(async (method: string, input: unknown) => ({ ok: true as const, value: { method, input } }));
const dispose = registerIpc({
  core: { invoke, stop: async () => {} },
  guard: { isOurWebContents: (id) => id === 1 },
  log: silentLogger(),
});
const handler = captured.handlers.get(INVOKE_CHANNEL)!;

const fromApp = { sender: { id: 1 }, senderFrame: { url: 'app://clientele/index.html', parent: null } };
const FORBIDDEN = { ok: false, error: { code: 'FORBIDDEN' } };

describe('clientele:invoke', () => {
  it('forwards a contract call from the app to the core', async () => {
    await expect(handler(fromApp, 'settings.get', {})).resolves.toEqual({
      ok: true,
      value: { method: 'settings.get', input: {} },
    });
    expect(invoke).toHaveBeenCalledWith('settings.get', {});
  });

  it('refuses a foreign sender before looking at the call', async () => {
    invoke.mockClear();
    const foreign = { sender: { id: 1 }, senderFrame: { url: 'https://evil.example/', parent: null } };
    await expect(handler(foreign, 'settings.get', {})).resolves.toMatchObject(FORBIDDEN);
    await expect(handler({ sender: { id: 1 }, senderFrame: null }, 'settings.get', {})).resolves.toMatchObject(
      FORBIDDEN,
    );
    await expect(handler({ ...fromApp, sender: { id: 7 } }, 'settings.get', {})).resolves.toMatchObject(FORBIDDEN);
    expect(invoke).not.toHaveBeenCalled();
  });

  it('refuses names that are not contract calls', async () => {
    invoke.mockClear();
    for (const method of ['no.such.call', '__proto__', 'constructor', 'toString', 42, null, { method: 'x' }]) {
      await expect(handler(fromApp, method, {})).resolves.toMatchObject(FORBIDDEN);
    }
    expect(invoke).not.toHaveBeenCalled();
  });

  it('can be removed', () => {
    dispose();
    expect(captured.removed).toEqual([INVOKE_CHANNEL]);
  });
});
