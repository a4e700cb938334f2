import type { ParsedMessage } from './parsed-message.js';

/** Core -> parser worker: one message to parse. `source` is transferred, not copied. */
export type ParseRequest = { id: number; source: ArrayBuffer; maxTextChars: number };

/** Parser worker -> core: exactly one per request id. */
export type ParseReply = { id: number; parsed: ParsedMessage };
