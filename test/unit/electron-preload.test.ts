import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The preload bridge as it ships: built with preload/vite.config.ts into a temporary folder, then
// run in a bare context whose `require` knows only 'electron', as in a sandboxed renderer.

type Bridge = {
  host: string;
  invoke(method: unknown, input: unknown): Promise<unknown>;
  onEvent(listener: (event: unknown) => void): () => void;
};

function fakeElectron(reply: (channel: string, ...args: unknown[]) => Promise<unknown>) {
  const exposed = new Map<string, unknown>();
  const sent: unknown[][] = [];
  const handlers = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  return {
    exposed,
    sent,
    /** What main would send on a channel. */
    emit: (channel: string, ...args: unknown[]) => {
      for (const handler of handlers.get(channel) ?? []) handler({ sender: 'main' }, ...args);
    },
    handlers,
    module: {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      ipcRenderer: {
        on: (channel: string, handler: (event: unknown, ...args: unknown[]) => void) => {
          if (!handlers.has(channel)) handlers.set(channel, new Set());
          handlers.get(channel)!.add(handler);
        },
        removeListener: (channel: string, handler: (event: unknown, ...args: unknown[]) => void) => {
          handlers.get(channel)?.delete(handler);
        },
        invoke: (channel: string, ...args: unknown[]) => {
          sent.push([channel, ...args]);
          return reply(channel, ...args);
        },
      },
    },
  };
}

const outDir = mkdtempSync(join(tmpdir(), 'clientele-preload-'));
let code = '';

beforeAll(async () => {
  await build({
    configFile: fileURLToPath(new URL('../../preload/vite.config.ts', import.meta.url)),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
  });
  code = readFileSync(join(outDir, 'preload.cjs'), 'utf8');
}, 60_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Runs the bundle like a sandboxed preload; returns the modules it asked for. */
function load(fake: ReturnType<typeof fakeElectron>): string[] {
  const required: string[] = [];
  const module = { exports: {} };
  runInNewContext(code, {
    module,
    exports: module.exports,
    require: (id: string) => {
      required.push(id);
      if (id === 'electron') return fake.module;
      throw new Error(`a sandboxed preload cannot require ${id}`);
    },
  });
  return required;
}

describe('preload bundle', () => {
  it("requires nothing but 'electron'", () => {
    expect(load(fakeElectron(async () => null))).toEqual(['electron']);
  });

  it('exposes window.clientele = { host, invoke, onEvent } and nothing else', () => {
    const electron = fakeElectron(async () => null);
    load(electron);
    expect([...electron.exposed.keys()]).toEqual(['clientele']);
    const bridge = electron.exposed.get('clientele') as Bridge;
    expect(bridge.host).toBe('electron');
    expect(Object.keys(bridge).sort()).toEqual(['host', 'invoke', 'onEvent']);
  });

  it('hands the renderer only events that match the contract, on clientele:event, until unsubscribed', () => {
    const electron = fakeElectron(async () => null);
    load(electron);
    const bridge = electron.exposed.get('clientele') as Bridge;
    const received: unknown[] = [];
    const stop = bridge.onEvent((event) => received.push(event));
    electron.emit('clientele:event', { name: 'sync.changed', payload: { accountIds: ['a'] } });
    electron.emit('clientele:event', { name: 'sync.changed', payload: { accountIds: [1] } });
    electron.emit('clientele:event', { name: 'unknown.thing', payload: {} });
    electron.emit('clientele:invoke', { name: 'sync.changed', payload: { accountIds: ['b'] } });
    expect(received).toEqual([{ name: 'sync.changed', payload: { accountIds: ['a'] } }]);
    stop();
    electron.emit('clientele:event', { name: 'sync.changed', payload: { accountIds: ['c'] } });
    expect(received).toHaveLength(1);
    expect(electron.handlers.get('clientele:event')?.size).toBe(0);
  });

  it('sends contract calls on clientele:invoke and returns the answer', async () => {
    const electron = fakeElectron(async (_channel, method) => ({ ok: true, value: method }));
    load(electron);
    const bridge = electron.exposed.get('clientele') as Bridge;
    await expect(bridge.invoke('app.state', {})).resolves.toEqual({ ok: true, value: 'app.state' });
    expect(electron.sent).toEqual([['clientele:invoke', 'app.state', {}]]);
  });

  it('refuses names that are not contract calls without sending anything', async () => {
    const electron = fakeElectron(async () => ({ ok: true, value: null }));
    load(electron);
    const bridge = electron.exposed.get('clientele') as Bridge;
    for (const method of ['no.such.call', '__proto__', 'hasOwnProperty', 7, undefined]) {
      await expect(bridge.invoke(method, {})).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(electron.sent).toEqual([]);
  });

  it('turns a failed send into a Result, never a throw', async () => {
    const electron = fakeElectron(() => Promise.reject(new Error('An object could not be cloned.')));
    load(electron);
    const bridge = electron.exposed.get('clientele') as Bridge;
    await expect(bridge.invoke('app.state', { fn: 1 })).resolves.toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });
});
