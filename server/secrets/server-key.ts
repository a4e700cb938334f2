import { hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../../common/errors.js';

/** 256 bits: AES-256's key size, and what HKDF-SHA-256 expects as input keying material at least. */
export const SERVER_KEY_BYTES = 32;

/**
 * The server secret key: 32 random bytes given as base64. Nothing is encrypted with it directly;
 * HKDF-SHA-256 derives the AES-256-GCM key and a public key id from it, with distinct labels so
 * the id (printed, stored in every sealed value) says nothing about the encryption key.
 */
export type ServerKey = {
  /** 16 hex digits, derived from the key: names it in sealed values, messages and `secrets status`. */
  readonly id: string;
  /** The AES-256-GCM key derived for sealing. */
  readonly sealingKey: Buffer;
};

const ID_INFO = 'clientele server secret key id v1';
const SEALING_INFO = 'clientele server secret aes-256-gcm v1';

/** How to make a key, in every message that asks for one. */
export const MAKE_A_KEY = 'make one with `npm run server -- secrets generate-key` (or `openssl rand -base64 32`)';

function derive(material: Buffer, info: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), info, length));
}

export function serverKeyFromBytes(material: Buffer): ServerKey {
  if (material.length !== SERVER_KEY_BYTES) throw new Error(`a server key has ${SERVER_KEY_BYTES} bytes`);
  return { id: derive(material, ID_INFO, 8).toString('hex'), sealingKey: derive(material, SEALING_INFO, 32) };
}

/**
 * Parses the base64 text of a key (surrounding whitespace and a final newline allowed). Strict:
 * Buffer.from(…, 'base64') silently skips junk, so the text must be the canonical encoding of
 * exactly 32 bytes; a truncated or mistyped key is refused instead of becoming another key.
 * `origin` names where it came from, for the message.
 */
export function parseServerKey(text: string, origin: string): ServerKey {
  const trimmed = text.trim();
  const bytes = Buffer.from(trimmed, 'base64');
  if (bytes.length !== SERVER_KEY_BYTES || bytes.toString('base64') !== trimmed) {
    throw new AppError(
      'SERVER_KEY_MISSING',
      `${origin} does not hold a server key: it must be ${SERVER_KEY_BYTES} random bytes in base64 ` +
        `(44 characters ending in '='); ${MAKE_A_KEY}.`,
    );
  }
  return serverKeyFromBytes(bytes);
}

/** A new key as the base64 text that key files and CLIENTELE_SERVER_SECRET_KEY hold. */
export function newServerKeyText(): string {
  return randomBytes(SERVER_KEY_BYTES).toString('base64');
}
