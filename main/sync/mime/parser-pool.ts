import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../util/logger.js';
import { HEADER_ONLY_MAX_BYTES } from './header-lines.js';
import { headerOnlyMessage } from './header-only.js';
import { DEFAULT_MAX_TEXT_CHARS } from './parse-message.js';
import { messageIdentity } from '../threading.js';
import type { IdentifiedMessage, ParsedMessage } from './parsed-message.js';
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
   * Bytes of messages posted to one worker ahead of its answers (at least one message always);
   * default MAX_IN_FLIGHT_BYTES.
   */
  inFlightBytes?: number;
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
   * Takes ownership of `source`: when it spans its whole ArrayBuffer, that memory moves to the pool
   * (no copy) and `source` is empty (length 0) afterwards. A Buffer that is a slice of a larger or
   * pooled ArrayBuffer is copied, the caller's bytes untouched.
   */
  parse(source: Buffer): Promise<ParsedMessage>;
  /** parse() and the message's identity (messageIdentity), computed in the worker as well. */
  parseIdentified(source: Buffer): Promise<IdentifiedMessage>;
  /**
   * Starts a worker now when none runs, so that the next parse does not wait for one to load
   * (mailparser and its tables: measured 0.1-0.7 s on 2 busy cores). Workers start on demand
   * otherwise, and once started they stay.
   */
  warm(): void;
  /** Terminates the workers; queued and running parses resolve with 'pool-closed'. */
  close(): Promise<void>;
  stats(): ParserPoolStats;
};

type Job = {
  id: number;
  /**
   * The message, owned by the pool until its answer arrives: a worker gets a copy, so that the
   * jobs queued behind one that hangs or crashes can go to the next worker, and the failed one
   * still has its header for the fallback answer.
   */
  source: ArrayBuffer;
  identify: boolean;
  resolve: (answer: IdentifiedMessage | ParsedMessage) => void;
};

/**
 * A worker and the jobs posted to it, oldest first. The worker parses them one at a time in that
 * order; the first is the one running, and the only one the timer is for.
 */
type Slot = { worker: Worker; ready: boolean; jobs: Job[]; bytes: number; timer: NodeJS.Timeout | null; gone: boolean };

/**
 * How long a new worker may take to load before its first message counts as timed out. Start-up
 * (mailparser and its tables) is not parsing, so the message's own timeoutMs starts at 'ready'.
 */
const STARTUP_TIMEOUT_MS = 30_000;

/**
 * Jobs posted to one worker ahead of its answers, and their bytes (at least one job always). The
 * core's thread answers a worker only between its own tasks (a page commit takes 100 ms and more):
 * one job at a time left the worker idle for most of those; a queue of this size keeps it busy.
 */
const MAX_IN_FLIGHT_JOBS = 256;
const MAX_IN_FLIGHT_BYTES = 8 * 1024 * 1024;

/**
 * V8 young generation of each worker, in MB. A parse allocates fast and keeps little, so V8 grows
 * the default young generation to its 32 MB maximum; measured on 2 cores (bench, 10,000
 * messages), a third of that cost no measurable time and saved ~20 MB of peak memory.
 */
const YOUNG_GENERATION_MB = 12;

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
  const inFlightBytes = options.inFlightBytes ?? MAX_IN_FLIGHT_BYTES;
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
    log.warn({ reason, bytes: job.source.byteLength }, 'MIME parse fell back to the header only');
    answer(job, headerOnlyMessage(headOf(job), [reason]), null);
  }

  /** Resolves a job: parse() gets the ParsedMessage, parseIdentified() the identity as well. */
  function answer(job: Job, parsed: ParsedMessage, identity: string | null): void {
    job.resolve(job.identify ? { parsed, identity: identity ?? messageIdentity(parsed) } : parsed);
  }

  function spawn(): Slot {
    const worker = new Worker(WORKER_URL, {
      resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    const slot: Slot = { worker, ready: false, jobs: [], bytes: 0, timer: null, gone: false };
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') started(slot);
      else answered(slot, reply.id, reply.parsed, reply.identity);
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

  /** Hands queued jobs to workers with room, starting workers up to `size`. */
  function pump(): void {
    while (!closed && queue.length > 0) {
      let slot = [...slots].find((candidate) => candidate.jobs.length === 0);
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
      slot ??= [...slots].find(hasRoom);
      if (!slot) return;
      const job = queue.shift();
      if (job) dispatch(slot, job);
    }
  }

  function hasRoom(slot: Slot): boolean {
    return slot.jobs.length < MAX_IN_FLIGHT_JOBS && slot.bytes < inFlightBytes;
  }

  function dispatch(slot: Slot, job: Job): void {
    const first = slot.jobs.length === 0;
    slot.jobs.push(job);
    slot.bytes += job.source.byteLength;
    if (first) {
      slot.worker.ref();
      startTimer(slot, slot.ready ? timeoutMs : STARTUP_TIMEOUT_MS);
    }
    const request: ParseRequest = { id: job.id, source: job.source, maxTextChars, identify: job.identify };
    try {
      // Copied, not transferred: the job keeps its bytes until the answer (see Job).
      slot.worker.postMessage(request);
    } catch (error) {
      log.warn({ err: error }, 'MIME parse request could not be posted');
      slot.jobs.pop();
      slot.bytes -= job.source.byteLength;
      if (slot.jobs.length === 0) {
        if (slot.timer) clearTimeout(slot.timer);
        slot.timer = null;
        slot.worker.unref();
      }
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
    if (slot.jobs.length > 0) startTimer(slot, timeoutMs);
  }

  /** Takes the running (first) job off the slot; the next one, if any, runs with a fresh timer. */
  function finish(slot: Slot): Job | null {
    const job = slot.jobs.shift() ?? null;
    if (job) slot.bytes -= job.source.byteLength;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    if (slot.jobs.length > 0) startTimer(slot, timeoutMs);
    else if (!slot.gone) slot.worker.unref();
    return job;
  }

  function answered(slot: Slot, id: number, parsed: ParsedMessage, identity: string | null): void {
    if (slot.gone || slot.jobs[0]?.id !== id) return;
    const job = finish(slot);
    counts.parsed += 1;
    if (job) answer(job, parsed, identity);
    pump();
  }

  function timedOut(slot: Slot): void {
    if (slot.gone || slot.jobs.length === 0) return;
    const job = finish(slot);
    retire(slot);
    counts.timeouts += 1;
    if (job) fallback(job, 'parse-timeout');
    pump();
  }

  /** The worker ended or broke: its running job (if any) gets the fallback, a new worker starts on demand. */
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

  /**
   * Stops a worker that failed. The jobs it had not started yet go back to the front of the queue,
   * in order, for the next worker: they did nothing wrong.
   */
  function retire(slot: Slot): void {
    slot.gone = true;
    slots.delete(slot);
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    queue.unshift(...slot.jobs.splice(0));
    slot.bytes = 0;
    slot.worker.terminate().catch((error: unknown) => log.warn({ err: error }, 'MIME parser worker did not stop'));
  }

  function submit(source: Buffer, identify: boolean): Promise<IdentifiedMessage | ParsedMessage> {
    return new Promise((resolve) => {
      const job: Job = { id: nextId++, source: owned(source), identify, resolve };
      if (closed) {
        answer(job, headerOnlyMessage(headOf(job), ['pool-closed']), null);
        return;
      }
      queue.push(job);
      pump();
    });
  }

  return {
    parse(source) {
      return submit(source, false) as Promise<ParsedMessage>;
    },

    parseIdentified(source) {
      return submit(source, true) as Promise<IdentifiedMessage>;
    },

    warm() {
      if (closed || slots.size > 0) return;
      try {
        spawn();
      } catch (error) {
        log.warn({ err: error }, 'MIME parser worker could not start');
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      const pending = queue.splice(0);
      const stopping: Promise<unknown>[] = [];
      for (const slot of [...slots]) {
        pending.push(...slot.jobs.splice(0));
        if (slot.timer) clearTimeout(slot.timer);
        slot.timer = null;
        slot.gone = true;
        slots.delete(slot);
        stopping.push(slot.worker.terminate().catch(() => undefined));
      }
      for (const job of pending) answer(job, headerOnlyMessage(headOf(job), ['pool-closed']), null);
      await Promise.all(stopping);
    },

    stats() {
      const busy = [...slots].filter((slot) => slot.jobs.length > 0).length;
      // Jobs posted to a worker behind the one it runs are waiting as much as those still here.
      const waiting = [...slots].reduce((sum, slot) => sum + Math.max(0, slot.jobs.length - 1), 0);
      return { size, workers: slots.size, busy, queued: queue.length + waiting, ...counts };
    },
  };
}

/**
 * The message's memory, owned by the pool. A Buffer spanning its whole ArrayBuffer gives that
 * memory up right away (structuredClone with transfer moves it without copying), so the caller's
 * Buffer is empty as soon as parse() returns. Buffers from Node's pool (small Buffer.from /
 * allocUnsafe results) share an 8 KB ArrayBuffer with unrelated data, which must not be detached:
 * those, and other slices, are copied.
 */
function owned(source: Buffer): ArrayBuffer {
  const buffer = source.buffer;
  if (buffer instanceof ArrayBuffer && source.byteOffset === 0 && source.byteLength === buffer.byteLength) {
    return structuredClone(buffer, { transfer: [buffer] });
  }
  const copy = new ArrayBuffer(source.byteLength);
  new Uint8Array(copy).set(source);
  return copy;
}

/** The beginning of a job's message, for a header-only answer (which reads no further). */
function headOf(job: Job): Uint8Array {
  return new Uint8Array(job.source, 0, Math.min(job.source.byteLength, HEADER_ONLY_MAX_BYTES));
}
