import { createHash, randomBytes } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;

/** Crockford-style Base32 without the look-alikes I, L, O, U: easy to read off paper and type. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_CHARS = 20;

/**
 * A new recovery code: 20 symbols of 5 bits (100 random bits), shown as 4 groups of 5. At that
 * entropy a fast hash is enough to store it (no salt or slow hash; same reasoning as the tokens).
 */
export function newRecoveryCode(): string {
  const bytes = randomBytes(CODE_CHARS);
  let code = '';
  // 256 is a multiple of 32, so taking each byte modulo 32 is uniform.
  for (const byte of bytes) code += ALPHABET[byte % ALPHABET.length];
  return code.match(/.{5}/g)!.join('-');
}

/** Case, spaces and dashes don't matter when a code is typed back. */
export function normalizeRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]+/g, '');
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normalizeRecoveryCode(code), 'utf8').digest('hex');
}
