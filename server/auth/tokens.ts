import { hash, randomBytes, randomUUID } from 'node:crypto';

/** 256 random bits, URL-safe: session and bootstrap tokens. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Tokens are stored as their SHA-256: they carry 256 bits of entropy, so a fast hash is enough
 * (no salt or slow hash needed), and a copy of the database holds no usable token.
 */
export function hashToken(token: string): string {
  // One-shot hash (Node >= 20.12): a third of createHash's cost, on every request.
  return hash('sha256', token, 'hex');
}

export function newId(): string {
  return randomUUID();
}
