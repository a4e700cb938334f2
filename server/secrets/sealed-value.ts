import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { ServerKey } from './server-key.js';

/**
 * Where a sealed value lives. It is bound to the value as AES-GCM additional data, so a value
 * copied to another row, column or table (or another workspace's row) does not open.
 */
export type SealedPlace = { table: string; column: string; rowId: string };

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** The parts of `v1.<key id>.<nonce>.<ciphertext+tag>` (base64url), before any key is tried. */
export type SealedParts = { version: typeof VERSION; keyId: string; nonce: Buffer; body: Buffer };

const SEALED_PATTERN = /^v1\.([0-9a-f]{16})\.([\w-]{16})\.([\w-]{22,})$/;

/** True when a column value is in the sealed format (used to tell plaintext left over by a bug). */
export function isSealed(value: string): boolean {
  return parseSealed(value) !== undefined;
}

export function parseSealed(value: string): SealedParts | undefined {
  const match = SEALED_PATTERN.exec(value);
  if (!match) return undefined;
  const nonce = Buffer.from(match[2]!, 'base64url');
  const body = Buffer.from(match[3]!, 'base64url');
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) return undefined;
  // The decoder ignores the spare bits of a last character: only the canonical text is accepted,
  // so no edited text opens (not even one that decodes to the same bytes).
  if (nonce.toString('base64url') !== match[2] || body.toString('base64url') !== match[3]) return undefined;
  return { version: VERSION, keyId: match[1]!, nonce, body };
}

/**
 * The additional data: a JSON array is unambiguous (no separator a table or id could contain).
 * The version and key id are in it too, so the readable prefix can't be edited either.
 */
function additionalData(keyId: string, place: SealedPlace): Buffer {
  return Buffer.from(JSON.stringify(['clientele.sealed', VERSION, keyId, place.table, place.column, place.rowId]));
}

/** AES-256-GCM with a random 96-bit nonce (the sealed values of one key stay far below 2^32). */
export function sealWith(key: ServerKey, plaintext: string, place: SealedPlace): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.sealingKey, nonce);
  cipher.setAAD(additionalData(key.id, place));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${key.id}.${nonce.toString('base64url')}.${body.toString('base64url')}`;
}

/** The plaintext, or undefined when the tag does not verify (wrong key, other place, tampered). */
export function openWith(key: ServerKey, parts: SealedParts, place: SealedPlace): string | undefined {
  const decipher = createDecipheriv('aes-256-gcm', key.sealingKey, parts.nonce);
  decipher.setAAD(additionalData(key.id, place));
  decipher.setAuthTag(parts.body.subarray(parts.body.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(parts.body.subarray(0, parts.body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return undefined;
  }
}
