import { MessageChannelMain, utilityProcess } from 'electron';
import { CORE_NODE_FLAGS } from '../core/core-node-flags.js';
import type { CallName } from '../../common/api/contract.js';
import type { AppEvent } from '../../common/api/events.js';
import type { Result } from '../../common/result.js';
import type { Logger } from '../util/logger.js';
import { coreEventOf, isCoreReply, type CoreRequest } from './core-protocol.js';

// The core (store, sync, services) runs in an Electron utility process, not in main: a crash or a
// long query there never freezes windows, and main stays a thin router. We talk to it over a
// MessageChannelMain port with request ids; if it dies, in-flight calls fail TEMPORARY and it
// is started again.

export type CoreProcess = {
  invoke(method: CallName, input: unknown): Promise<Result<unknown>>;
  /** Graceful: the core closes its store, then exits; killed if it takes longer than a few seconds. */
  stop(): Promise<void>;
};

export type CoreProcessOptions = {
  entry: string;
  dataDir: string;
  log: Logger;
  /** A call with no answer after this long fails TEMPORARY (the late answer is dropped). */
  callTimeoutMs?: number;
  /** Events from the core, already checked against the events contract. */
  onEvent?: (event: AppEvent) => void;
};

type Pending = { resolve: (result: Result<unknown>) => void; timer: NodeJS.Timeout };
type Live = { child: Electron.UtilityProcess; port: Electron.MessagePortMain; startedAt: number };

/** Delays before restarting a core that died; the count resets once it ran for a minute. */
const RESTART_DELAYS_MS = [250, 1_000, 5_000, 15_000, 30_000];
const STABLE_AFTER_MS = 60_000;
const STOP_GRACE_MS = 5_000;

export function startCoreProcess(options: CoreProcessOptions): CoreProcess {
  const { log } = options;
  const callTimeoutMs = options.callTimeoutMs ?? 60_000;
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let live: Live | null = null;
  let restarts = 0;
  let restartTimer: NodeJS.Timeout | null = null;
  let stopping = false;

  function spawn(): void {
    const child = utilityProcess.fork(options.entry, ['--data-dir', options.dataDir], {
      serviceName: 'Clientele core',
      execArgv: [...CORE_NODE_FLAGS],
      stdio: 'inherit', // the core logs to stderr like main does
    });
    const { port1, port2 } = new MessageChannelMain();
    // Messages posted before the core listens are queued by the port, so calls can start at once.
    child.postMessage({ type: 'port' }, [port2]);
    port1.on('message', (event) => settle(event.data));
    port1.start();
    const current: Live = { child, port: port1, startedAt: Date.now() };
    live = current;

    child.on('error', (type, location) => log.error({ type, location }, 'core process fatal error'));
    child.once('exit', (code) => {
      if (live === current) live = null;
      current.port.close();
      failAll(
        stopping
          ? 'Clientele is shutting down.'
          : 'Clientele’s core stopped unexpectedly. It is restarting; try again.',
      );
      if (stopping) return;
      if (Date.now() - current.startedAt > STABLE_AFTER_MS) restarts = 0;
      const delay = RESTART_DELAYS_MS[Math.min(restarts, RESTART_DELAYS_MS.length - 1)] ?? 30_000;
      restarts += 1;
      log.error({ code, restartInMs: delay }, 'core process exited');
      restartTimer = setTimeout(() => {
        restartTimer = null;
        if (!stopping) spawn();
      }, delay);
    });
  }

  function settle(data: unknown): void {
    const event = coreEventOf(data);
    if (event) {
      options.onEvent?.(event);
      return;
    }
    if (!isCoreReply(data)) {
      log.warn('malformed message from the core ignored');
      return;
    }
    const entry = pending.get(data.id);
    if (!entry) return; // timed out earlier
    pending.delete(data.id);
    clearTimeout(entry.timer);
    entry.resolve(data.result);
  }

  function failAll(message: string): void {
    for (const [id, entry] of pending) {
      clearTimeout(entry.timer);
      entry.resolve(temporary(message));
      pending.delete(id);
    }
  }

  spawn();

  return {
    invoke(method, input) {
      const current = live;
      if (stopping) return Promise.resolve(temporary('Clientele is shutting down.'));
      if (!current) return Promise.resolve(temporary('Clientele’s core is restarting. Try again in a moment.'));
      const id = nextId++;
      return new Promise<Result<unknown>>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          log.warn({ method, timeoutMs: callTimeoutMs }, 'core call timed out');
          resolve(temporary('Clientele’s core did not answer in time. Try again.'));
        }, callTimeoutMs);
        pending.set(id, { resolve, timer });
        const request: CoreRequest = { id, method, input };
        try {
          current.port.postMessage(request);
        } catch (error) {
          // Input that cannot be structured-cloned (functions, symbols): the caller's mistake.
          clearTimeout(timer);
          pending.delete(id);
          log.warn({ method, err: error }, 'core call could not be sent');
          resolve({ ok: false, error: { code: 'VALIDATION', message: 'The request could not be sent to the core.' } });
        }
      });
    },

    async stop() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      failAll('Clientele is shutting down.');
      const current = live;
      if (!current) return;
      const exited = new Promise<void>((resolve) => current.child.once('exit', () => resolve()));
      current.port.close(); // the core closes its store and exits when its port closes
      const killer = setTimeout(() => {
        log.warn('core did not stop in time; killing it');
        current.child.kill();
      }, STOP_GRACE_MS);
      await exited;
      clearTimeout(killer);
    },
  };
}

function temporary(message: string): Result<unknown> {
  return { ok: false, error: { code: 'TEMPORARY', message } };
}
