import { randomBytes } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';

/** `Algorithm.Argon2id`: the enum is a const enum, which isolated modules can't read. */
const ARGON2ID = 2 as Algorithm;

/**
 * Argon2id with the OWASP Password Storage Cheat Sheet's first configuration:
 * m = 19 MiB (19456 KiB), t = 2 iterations, p = 1. The parameters are stored in each PHC string,
 * so raising them later still verifies old hashes.
 */
export const ARGON2_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFC'), ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password.normalize('NFC'));
  } catch {
    // A malformed stored hash is a failed login, never a crash that tells the caller more.
    return false;
  }
}

/**
 * A hash of a random password, made once: an unknown email is checked against it so the answer
 * takes as long as for a known one (no account enumeration by timing).
 */
export function makeDummyHash(): Promise<string> {
  return hashPassword(randomBytes(16).toString('hex'));
}
