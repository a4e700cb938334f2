import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../util/logger.js';
import { HEADER_ONLY_MAX_BYTES } from './header-lines.js';
import { headerOnlyMessage } from './header-only.js';
import { DEFAULT_MAX_TEXT_CHARS } from './parse-message.js';
import type { ParsedMessage } from './parsed-message.js';
import type { ParseRequest, WorkerReply } from './worker-protocol.js';

/*
 * Where the worker comes from: the compiled file next to this one, out/main/sync/mime/
 * parser-worker.js, and nothing else. Node 20 cannot run the .ts source in a worker without a
 * loader this package does not have, and a second code path (bootstrap + TS loader) only for tests
 * would be code that never runs in production. So the pool has one resolution, and the tests that
 * need workers import the pool from out/ (they check that `tsc -b` output is present and newer
 * than the sources, and fail saying so otherwise). In the packaged app the file sits inside
 * app.asar, which Electron's worker_threads can load from.
 */
const WORKER_URL = new URL('./parser-worker.js', import.meta.url);

export type ParserPoolOptions = {
  log: Logger;
  /** Worker threads; default: the cores left after the core's own thread, 1 to 4. */
  size?: number;
  /** A parse still running after this long is abandoned and its worker replaced. */
  timeoutMs?: number;
  maxTextChars?: number;
  /**
   * V8 heap limit of each worker (old generation), in MB. A message that needs more ends its
   * worker (the message is then reported parser-crashed) instead of exhausting the app's memory.
   */
  maxMemoryMb?: number;
};

export type ParserPoolStats = {
  size: number;
  /** Worker threads alive now (started on demand, up to size). */
  workers: number;
  busy: number;
  queued: number;
  /** Messages answered by a worker. */
  parsed: number;
  timeouts: number;
  crashes: number;
};

export type ParserPool = {
  /**
   * Parses one raw message off the event loop. Never rejects: a timeout, a crashed worker or a
   * closed pool resolves to a header-only parse whose first warning says which.
   *
   * Takes ownership of `source`: when it spans its whole ArrayBuffer, that memory is transferred
   * to the worker (no copy) and `source` is empty (length 0) afterwards. A Buffer that is a slice
   * of a larger or pooled ArrayBuffer is copied, the caller's bytes untouched.
   */
  parse(source: Buffer): Promise<ParsedMessage>;
  /** Terminates the workers; queued and running parses resolve with 'pool-closed'. */
  close(): Promise<void>;
  stats(): ParserPoolStats;
};

type Job = {
  id: number;
  /** The bytes for the worker; null once posted (transferred). */
  payload: ArrayBuffer | null;
  /** A copy of the beginning of the message, for the header-only answer if the worker fails. */
  head: Buffer;
  bytes: number;
  resolve: (parsed: ParsedMessage) => void;
};

type Slot = { worker: Worker; ready: boolean; job: Job | null; timer: NodeJS.Timeout | null; gone: boolean };

/**
 * How long a new worker may take to load before its first message counts as timed out. Start-up
 * (mailparser and its tables) is not parsing, so the message's own timeoutMs starts at 'ready'.
 */
const STARTUP_TIMEOUT_MS = 30_000;

/**
 * The cores left beside the core's own thread, 1 to 4. Measured on 2 cores (bench, 10,000
 * messages): a second worker saved ~5% of the sync time but cost ~70 MB of peak memory, which
 * the 300 MB target cannot spare.
 */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

export function createParserPool(options: ParserPoolOptions): ParserPool {
  const { log } = options;
  const size = Math.max(1, Math.floor(options.size ?? defaultPoolSize()));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxTextChars = options.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS;
  const maxMemoryMb = options.maxMemoryMb ?? 512;
  if (!existsSync(fileURLToPath(WORKER_URL))) {
    throw new Error(
      `MIME parser worker not found at ${fileURLToPath(WORKER_URL)}: the pool runs from the compiled build (tsc -b), see parser-pool.ts`,
    );
  }

  const slots = new Set<Slot>();
  const queue: Job[] = [];
  const counts = { parsed: 0, timeouts: 0, crashes: 0 };
  let nextId = 1;
  let closed = false;

  function fallback(job: Job, reason: string): void {
    log.warn({ reason, bytes: job.bytes }, 'MIME parse fell back to the header only');
    job.resolve(headerOnlyMessage(job.head, [reason]));
  }

  function spawn(): Slot {
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb } });
    const slot: Slot = { worker, ready: false, job: null, timer: null, gone: false };
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') started(slot);
      else answered(slot, reply.id, reply.parsed);
    });
    worker.on('messageerror', (error) => {
      log.warn({ err: error }, 'MIME parser reply could not be read');
      died(slot);
    });
    worker.on('error', (error) => {
      log.warn({ err: error }, 'MIME parser worker failed');
      died(slot);
    });
    worker.on('exit', () => died(slot));
    // An idle worker must not keep the process alive; a busy one does, like any pending I/O.
    worker.unref();
    slots.add(slot);
    return slot;
  }

  /** Hands queued jobs to idle workers, starting workers up to `size`. */
  function pump(): void {
    while (!closed && queue.length > 0) {
      let slot = [...slots].find((candidate) => candidate.job === null);
      if (!slot && slots.size < size) {
        try {
          slot = spawn();
        } catch (error) {
          log.error({ err: error }, 'MIME parser worker could not start');
          const job = queue.shift();
          if (job) fallback(job, 'parser-crashed');
          continue;
        }
      }
      if (!slot) return;
      const job = queue.shift();
      if (job) dispatch(slot, job);
    }
  }

  function dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    startTimer(slot, slot.ready ? timeoutMs : STARTUP_TIMEOUT_MS);
    const payload = job.payload ?? new ArrayBuffer(0);
    job.payload = null;
    const request: ParseRequest = { id: job.id, source: payload, maxTextChars };
    try {
      slot.worker.postMessage(request, [payload]);
    } catch (error) {
      log.warn({ err: error }, 'MIME parse request could not be posted');
      finish(slot);
      fallback(job, 'parser-crashed');
    }
  }

  function startTimer(slot: Slot, ms: number): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = setTimeout(() => timedOut(slot), ms);
  }

  function started(slot: Slot): void {
    slot.ready = true;
    // The job posted while the worker was loading gets its full time from now on.
    if (slot.job) startTimer(slot, timeoutMs);
  }

  /** Frees the slot for the next job and returns the job it held. */
  function finish(slot: Slot): Job | null {
    const job = slot.job;
    slot.job = null;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    if (!slot.gone) slot.worker.unref();
    return job;
  }

  function answered(slot: Slot, id: number, parsed: ParsedMessage): void {
    if (slot.gone || slot.job?.id !== id) return;
    const job = finish(slot);
    counts.parsed += 1;
    job?.resolve(parsed);
    pump();
  }

  function timedOut(slot: Slot): void {
    if (slot.gone || !slot.job) return;
    const job = finish(slot);
    retire(slot);
    counts.timeouts += 1;
    if (job) fallback(job, 'parse-timeout');
    pump();
  }

  /** The worker ended or broke: its job (if any) gets the fallback, a new worker starts on demand. */
  function died(slot: Slot): void {
    if (slot.gone) return;
    const job = finish(slot);
    retire(slot);
    if (closed) return;
    if (job) {
      counts.crashes += 1;
      fallback(job, 'parser-crashed');
    }
    pump();
  }

  function retire(slot: Slot): void {
    slot.gone = true;
    slots.delete(slot);
    slot.worker.terminate().catch((error: unknown) => log.warn({ err: error }, 'MIME parser worker did not stop'));
  }

  return {
    parse(source) {
      if (closed) return Promise.resolve(headerOnlyMessage(source, ['pool-closed']));
      return new Promise<ParsedMessage>((resolve) => {
        queue.push({
          id: nextId++,
          head: Buffer.from(source.subarray(0, HEADER_ONLY_MAX_BYTES)),
          bytes: source.byteLength,
          payload: transferable(source),
          resolve,
        });
        pump();
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      const pending = queue.splice(0);
      const stopping: Promise<unknown>[] = [];
      for (const slot of [...slots]) {
        const job = finish(slot);
        if (job) pending.push(job);
        slot.gone = true;
        slots.delete(slot);
        stopping.push(slot.worker.terminate().catch(() => undefined));
      }
      for (const job of pending) job.resolve(headerOnlyMessage(job.head, ['pool-closed']));
      await Promise.all(stopping);
    },

    stats() {
      const busy = [...slots].filter((slot) => slot.job !== null).length;
      return { size, workers: slots.size, busy, queued: queue.length, ...counts };
    },
  };
}

/**
 * The message's memory, ready to transfer. A Buffer spanning its whole ArrayBuffer gives that
 * memory up right away (structuredClone with transfer moves it without copying), so the caller's
 * Buffer is empty as soon as parse() returns, not only once a worker is free. Buffers from Node's
 * pool (small Buffer.from / allocUnsafe results) share an 8 KB ArrayBuffer with unrelated data,
 * which must neither be sent nor detached: those, and other slices, are copied.
 */
function transferable(source: Buffer): ArrayBuffer {
  const buffer = source.buffer;
  if (buffer instanceof ArrayBuffer && source.byteOffset === 0 && source.byteLength === buffer.byteLength) {
    return structuredClone(buffer, { transfer: [buffer] });
  }
  const copy = new ArrayBuffer(source.byteLength);
  new Uint8Array(copy).set(source);
  return copy;
}
