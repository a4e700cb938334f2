import type { ParsedMessage } from './parsed-message.js';

/** Core -> parser worker: one message to parse. Requests are answered one at a time, in order. */
export type ParseRequest = {
  id: number;
  source: ArrayBuffer;
  maxTextChars: number;
  /** Whether the reply carries the message's identity too. */
  identify: boolean;
};

/**
 * Parser worker -> core. `ready` once the worker has loaded its modules (so that start-up time is
 * not counted against the first message's timeout); then exactly one `parsed` per request id.
 */
export type WorkerReply =
  { type: 'ready' } | { type: 'parsed'; id: number; parsed: ParsedMessage; identity: string | null };
