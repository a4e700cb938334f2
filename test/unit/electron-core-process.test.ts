import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../common/result.js';
import { silentLogger } from '../../main/util/logger.js';

// main/electron/core-process.ts against a fake 'electron': utilityProcess.fork gives a scripted
// child, MessageChannelMain gives two linked ports with Electron's {data, ports} events. Checks the
// request-id routing, timeouts, restart after a crash and the graceful stop, without Electron.

const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => void;
  class Emitter {
    private listeners = new Map<string, Listener[]>();
    on(event: string, listener: Listener): this {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    once(event: string, listener: Listener): this {
      const wrapped: Listener = (...args) => {
        this.off(event, wrapped);
        listener(...args);
      };
      return this.on(event, wrapped);
    }
    off(event: string, listener: Listener): this {
      this.listeners.set(
        event,
        (this.listeners.get(event) ?? []).filter((l) => l !== listener),
      );
      return this;
    }
    emit(event: string, ...args: unknown[]): void {
      for (const listener of this.listeners.get(event) ?? []) listener(...args);
    }
  }

  class FakePort extends Emitter {
    peer: FakePort | null = null;
    closed = false;
    postMessage(data: unknown): void {
      if (this.closed) return;
      const copy = structuredClone(data); // throws on functions, like Electron
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

  class FakeChild extends Emitter {
    port: FakePort | null = null;
    killed = false;
    constructor(
      readonly entry: string,
      readonly args: string[],
    ) {
      super();
    }
    postMessage(_message: unknown, ports: FakePort[]): void {
      this.port = ports[0] ?? null;
      fake.onSpawn(this);
    }
    kill(): boolean {
      this.killed = true;
      this.exit(15);
      return true;
    }
    exit(code: number): void {
      queueMicrotask(() => this.emit('exit', code));
    }
  }

  const children: FakeChild[] = [];
  return {
    children,
    FakePort,
    /** What a new child does with its port; tests replace it. */
    onSpawn: (_child: FakeChild): void => {},
    electron: {
      utilityProcess: {
        fork: (entry: string, args: string[]) => {
          const child = new FakeChild(entry, args);
          children.push(child);
          return child;
        },
      },
      MessageChannelMain: class {
        port1 = new FakePort();
        port2 = new FakePort();
        constructor() {
          this.port1.peer = this.port2;
          this.port2.peer = this.port1;
        }
      },
    },
  };
});

vi.mock('electron', () => fake.electron);

const { startCoreProcess } = await import('../../main/electron/core-process.js');

type Child = (typeof fake.children)[number];
type Request = { id: number; method: string; input: unknown };

/** Exits when its port closes, as utility-entry does. */
function exitOnClose(child: Child): void {
  child.port!.on('close', () => child.exit(0));
}

/** A core that echoes { method, input } back. */
function echoCore(child: Child): void {
  const port = child.port!;
  port.on('message', (event) => {
    const { id, method, input } = (event as { data: Request }).data;
    port.postMessage({ id, result: { ok: true, value: { method, input } } });
  });
  exitOnClose(child);
}

/** A core that keeps every request and never answers by itself. */
function holdingCore(held: Request[]) {
  return (child: Child): void => {
    child.port!.on('message', (event) => held.push((event as { data: Request }).data));
    exitOnClose(child);
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stops: (() => Promise<void>)[] = [];

function start(options: { callTimeoutMs?: number; onEvent?: (event: unknown) => void } = {}) {
  const core = startCoreProcess({
    entry: '/app/out/main/core/utility-entry.js',
    dataDir: '/data',
    log: silentLogger(),
    ...options,
  });
  stops.push(() => core.stop());
  return core;
}

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  fake.children.length = 0;
  fake.onSpawn = () => {};
});

describe('startCoreProcess', () => {
  it('forks the core entry with the data dir and answers calls', async () => {
    fake.onSpawn = echoCore;
    const core = start();
    expect(fake.children).toHaveLength(1);
    expect(fake.children[0]?.entry).toBe('/app/out/main/core/utility-entry.js');
    expect(fake.children[0]?.args).toEqual(['--data-dir', '/data']);
    await expect(core.invoke('settings.get', {})).resolves.toEqual({
      ok: true,
      value: { method: 'settings.get', input: {} },
    });
  });

  it('routes answers by request id, whatever their order', async () => {
    const held: Request[] = [];
    fake.onSpawn = holdingCore(held);
    const core = start();
    const first = core.invoke('app.state', { n: 1 });
    const second = core.invoke('settings.get', { n: 2 });
    await sleep(5);
    const port = fake.children[0]!.port!;
    for (const request of [...held].reverse()) {
      port.postMessage({ id: request.id, result: { ok: true, value: request.input } });
    }
    await expect(first).resolves.toEqual({ ok: true, value: { n: 1 } });
    await expect(second).resolves.toEqual({ ok: true, value: { n: 2 } });
  });

  it('ignores malformed and unknown replies', async () => {
    fake.onSpawn = (child) => {
      const port = child.port!;
      port.on('message', (event) => {
        const { id } = (event as { data: Request }).data;
        port.postMessage('nonsense');
        port.postMessage({ id: 9999, result: { ok: true, value: 'stray' } });
        port.postMessage({ id, result: { ok: 'maybe' } });
        port.postMessage({ id, result: { ok: true, value: 'real' } });
      });
      exitOnClose(child);
    };
    const core = start();
    await expect(core.invoke('app.state', {})).resolves.toEqual({ ok: true, value: 'real' });
  });

  it('hands on the events the core posts, only those that match the events contract', async () => {
    const received: unknown[] = [];
    fake.onSpawn = (child) => {
      const port = child.port!;
      port.on('message', (event) => {
        const { id } = (event as { data: Request }).data;
        port.postMessage({ event: { name: 'sync.changed', payload: { accountIds: ['a1'] } } });
        port.postMessage({ event: { name: 'sync.changed', payload: { accountIds: 'a1' } } });
        port.postMessage({ event: { name: 'shell.exec', payload: {} } });
        port.postMessage({ id, result: { ok: true, value: 'done' } });
      });
      exitOnClose(child);
    };
    const core = start({ onEvent: (event) => received.push(event) });
    await expect(core.invoke('app.state', {})).resolves.toEqual({ ok: true, value: 'done' });
    expect(received).toEqual([{ name: 'sync.changed', payload: { accountIds: ['a1'] } }]);
  });

  it('fails a call TEMPORARY when the core does not answer in time, and drops the late answer', async () => {
    const held: Request[] = [];
    fake.onSpawn = holdingCore(held);
    const core = start({ callTimeoutMs: 30 });
    const result = await core.invoke('app.state', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'TEMPORARY' } });
    fake.children[0]!.port!.postMessage({ id: held[0]!.id, result: { ok: true, value: 'late' } });
    await sleep(5); // nothing left to settle: no throw, no double resolve
  });

  it('refuses input that cannot cross the process boundary', async () => {
    fake.onSpawn = echoCore;
    const core = start();
    await expect(core.invoke('settings.update', { fn: () => 1 })).resolves.toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });

  it('fails in-flight calls TEMPORARY when the core dies, then starts it again', async () => {
    fake.onSpawn = (child) => {
      if (fake.children.length === 1)
        child.port!.on('message', () => child.exit(1)); // crashes on the first call
      else echoCore(child);
    };
    const core = start();
    const inFlight: Result<unknown> = await core.invoke('app.state', {});
    expect(inFlight).toMatchObject({ ok: false, error: { code: 'TEMPORARY' } });
    // Until the replacement is up, calls fail fast rather than hang.
    await expect(core.invoke('app.state', {})).resolves.toMatchObject({ ok: false, error: { code: 'TEMPORARY' } });
    await sleep(400); // first restart delay is 250 ms
    expect(fake.children).toHaveLength(2);
    expect(fake.children[1]?.args).toEqual(['--data-dir', '/data']);
    await expect(core.invoke('app.state', {})).resolves.toMatchObject({ ok: true });
  });

  it('stops gracefully: closes the port, waits for the exit, does not restart', async () => {
    fake.onSpawn = echoCore;
    const core = start();
    await core.invoke('app.state', {});
    const child = fake.children[0]!;
    await core.stop();
    expect(child.port!.closed).toBe(true);
    expect(child.killed).toBe(false);
    await sleep(400);
    expect(fake.children).toHaveLength(1);
    await expect(core.invoke('app.state', {})).resolves.toMatchObject({ ok: false, error: { code: 'TEMPORARY' } });
  });

  it('kills a core that does not exit within the grace period', async () => {
    fake.onSpawn = () => {}; // ignores the closed port
    const core = start();
    const child = fake.children[0]!;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const stopped = core.stop();
      await vi.advanceTimersByTimeAsync(5_000);
      await stopped;
      expect(child.killed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
