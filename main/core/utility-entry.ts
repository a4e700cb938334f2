import type { AppEvent } from '../../common/api/events.js';
import type { AppErrorShape } from '../../common/errors.js';
import { isAppError } from '../../common/errors.js';
import type { Result } from '../../common/result.js';
import { openSystemBrowser } from '../platform/system-browser.js';
import { createLogger } from '../util/logger.js';
import { startCore, type Core } from './core.js';
import { defaultDataDir } from './profile/paths.js';

// Entry of the core when Electron hosts it (main/electron/core-process.ts forks this file as a
// utility process). It must not import 'electron': only main/electron may. What it needs from
// Electron, process.parentPort and the MessagePort it receives, is typed structurally here.

/** main -> core, one per call. */
export type CoreRequest = { id: number; method: string; input: unknown };
/** core -> main, exactly one per request id. */
export type CoreReply = { id: number; result: Result<unknown> };
/** core -> main, unasked: an event for the windows (common/api/events.ts). */
export type CoreEventMessage = { event: AppEvent };

type PortEvent = { data: unknown; ports: readonly PortLike[] };
type PortLike = {
  on(event: 'message', listener: (event: PortEvent) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
};
type ParentPortLike = { once(event: 'message', listener: (event: PortEvent) => void): unknown };

const INTERNAL: AppErrorShape = {
  code: 'INTERNAL',
  message: 'Something went wrong inside Clientele. The details are in the log.',
};

const log = createLogger('core');
const dataDir = argValue('--data-dir') ?? defaultDataDir();
const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;

let core: Core | null = null;
let starting: Promise<Core> | null = null;
let closed = false;
let closing: Promise<void> | null = null;

/** Started once; a failed start is retried by the next call (e.g. the profile lock was released). */
function getCore(): Promise<Core> {
  // The desktop app opens OAuth sign-in pages in the system browser itself (RFC 8252).
  const oauth = { openBrowser: (url: string) => void openSystemBrowser(url) };
  starting ??= startCore({ dataDir, log, backgroundSync: true, oauth }).then(
    (started) => {
      if (closed) void started.close();
      core = started;
      return started;
    },
    (error: unknown) => {
      starting = null;
      throw error;
    },
  );
  return starting;
}

async function answer(port: PortLike, data: unknown): Promise<void> {
  if (!isRequest(data)) {
    log.warn('malformed request from main ignored');
    return;
  }
  let result: Result<unknown>;
  try {
    const started = await getCore();
    result = await started.dispatch({ transport: 'ipc' }, data.method, data.input);
  } catch (error) {
    // The dispatcher already turns service errors into results; this catches start failures
    // and bugs, so a bad call never takes the process down.
    if (isAppError(error)) {
      result = { ok: false, error: { code: error.code, message: error.message } };
    } else {
      log.error({ err: error, method: data.method }, 'call failed unexpectedly');
      result = { ok: false, error: INTERNAL };
    }
  }
  const reply: CoreReply = { id: data.id, result };
  try {
    port.postMessage(reply);
  } catch (error) {
    // A value the structured clone cannot carry: still answer, so main does not wait for a timeout.
    log.error({ err: error, method: data.method }, 'reply could not be sent');
    port.postMessage({ id: data.id, result: { ok: false, error: INTERNAL } } satisfies CoreReply);
  }
}

/** Stops sync, closes the store and releases the profile lock; safe to call more than once. */
function shutdown(): Promise<void> {
  closed = true;
  closing ??= (core?.close() ?? Promise.resolve()).catch((error: unknown) =>
    log.error({ err: error }, 'core close failed'),
  );
  return closing;
}

function shutdownAndExit(): void {
  void shutdown().finally(() => process.exit(0));
}

function isRequest(data: unknown): data is CoreRequest {
  if (typeof data !== 'object' || data === null) return false;
  const candidate = data as Partial<CoreRequest>;
  return Number.isSafeInteger(candidate.id) && typeof candidate.method === 'string';
}

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

if (!parentPort) {
  log.fatal('utility-entry runs only as an Electron utility process (use the CLI or browser mode otherwise)');
  process.exit(2);
} else {
  parentPort.once('message', (event) => {
    const port = event.ports[0];
    if (!port) {
      log.fatal('no message port received from main');
      process.exit(2);
    }
    port.on('message', (message) => void answer(port, message.data));
    // Events go to main as they come (the bus already checked the policy and coalesced them).
    void getCore().then(
      (started) => started.subscribe((event) => port.postMessage({ event } satisfies CoreEventMessage)),
      () => undefined, // reported below; the next call retries the start
    );
    // Main closes the port to stop us (app quit): close the store, then leave.
    port.on('close', shutdownAndExit);
    port.start();
    getCore().catch((error: unknown) => log.error({ err: error }, 'core failed to start; will retry on the next call'));
  });

  // Never let a stray error end the process: main would restart it and lose in-flight calls.
  process.on('uncaughtException', (error) => log.error({ err: error }, 'uncaught exception in core'));
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection in core'));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, shutdownAndExit);
}
