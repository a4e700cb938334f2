import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** 256 random bits, URL-safe: session and bootstrap tokens. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Tokens are stored as their SHA-256: they carry 256 bits of entropy, so a fast hash is enough
 * (no salt or slow hash needed), and a copy of the database holds no usable token.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newId(): string {
  return randomUUID();
}
