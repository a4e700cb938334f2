import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// main/core/utility-entry.ts with the real core, in this process: process.parentPort and the
// MessagePort Electron would hand it are replaced by linked fakes with Electron's event shapes,
// and process.exit is stubbed. Shows the entry answers calls, survives bad ones, and closes the
// store when main closes its port.

type Listener = (...args: unknown[]) => void;

class FakePort {
  peer: FakePort | null = null;
  closed = false;
  private listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
  postMessage(data: unknown): void {
    const copy = structuredClone(data);
    const peer = this.peer;
    queueMicrotask(() => {
      if (peer && !peer.closed) peer.emit('message', { data: copy, ports: [] });
    });
  }
  start(): void {}
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
    this.peer?.close();
  }
}

const WATCHED = ['exit', 'SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection'] as const;
const dataDir = mkdtempSync(join(tmpdir(), 'clientele-utility-entry-'));
const mainSide = new FakePort();
const coreSide = new FakePort();
mainSide.peer = coreSide;
coreSide.peer = mainSide;
const replies: unknown[] = [];
mainSide.on('message', (event) => replies.push((event as { data: unknown }).data));

const savedArgv = process.argv;
const savedLevel = process.env.CLIENTELE_LOG_LEVEL;
const listenersOf = (event: string) => process.listeners(event as NodeJS.Signals) as Listener[];
const listenersBefore = new Map(WATCHED.map((event) => [event, listenersOf(event)]));
const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);

async function reply(id: number): Promise<unknown> {
  await vi.waitFor(() => expect(replies.some((r) => (r as { id: number }).id === id)).toBe(true), { timeout: 10_000 });
  return replies.find((r) => (r as { id: number }).id === id);
}

beforeAll(async () => {
  process.argv = [...savedArgv, '--data-dir', dataDir];
  process.env.CLIENTELE_LOG_LEVEL = 'silent';
  let deliver: ((event: unknown) => void) | null = null;
  (process as unknown as { parentPort: unknown }).parentPort = {
    once: (_event: string, listener: (event: unknown) => void) => {
      deliver = listener;
    },
  };
  // The compiled entry, as Electron runs it (its MIME parser workers need JavaScript).
  await import('../../out/main/core/utility-entry.js');
  expect(deliver).not.toBeNull();
  deliver!({ data: { type: 'port' }, ports: [coreSide] });
});

afterAll(() => {
  process.argv = savedArgv;
  if (savedLevel === undefined) delete process.env.CLIENTELE_LOG_LEVEL;
  else process.env.CLIENTELE_LOG_LEVEL = savedLevel;
  delete (process as unknown as { parentPort?: unknown }).parentPort;
  for (const event of WATCHED) {
    for (const listener of listenersOf(event)) {
      if (!listenersBefore.get(event)?.includes(listener)) process.removeListener(event, listener);
    }
  }
  exit.mockRestore();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('utility-entry', () => {
  it('answers a call through the core dispatcher', async () => {
    mainSide.postMessage({ id: 1, method: 'app.state', input: {} });
    expect(await reply(1)).toEqual({ id: 1, result: { ok: true, value: { phase: 'onboarding' } } });
    expect(existsSync(join(dataDir, 'core.lock'))).toBe(true);
  });

  it('answers failures as results, never as a crash', async () => {
    mainSide.postMessage({ id: 2, method: 'no.such.call', input: {} });
    mainSide.postMessage({ id: 3, method: 'settings.get', input: {} });
    mainSide.postMessage({ id: 4, method: 'profile.create', input: { displayName: '' } });
    expect(await reply(2)).toMatchObject({ id: 2, result: { ok: false, error: { code: 'NOT_FOUND' } } });
    expect(await reply(3)).toMatchObject({ id: 3, result: { ok: false } });
    expect(await reply(4)).toMatchObject({ id: 4, result: { ok: false, error: { code: 'VALIDATION' } } });
  });

  it('ignores malformed requests and keeps serving', async () => {
    mainSide.postMessage('garbage');
    mainSide.postMessage({ id: 'x', method: 'app.state' });
    mainSide.postMessage({ id: 5, method: 'app.state', input: {} });
    expect(await reply(5)).toMatchObject({ id: 5, result: { ok: true } });
    expect(replies.every((r) => typeof (r as { id: unknown }).id === 'number')).toBe(true);
  });

  it('closes the core (releasing the profile lock) and exits when main closes the port', async () => {
    mainSide.close();
    // Closing stops sync and the parser workers first, so the exit comes a moment later.
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    expect(existsSync(join(dataDir, 'core.lock'))).toBe(false);
  });
});
