import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../../../common/errors.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import type { StoreKeys } from '../../store/store.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const KEY_BYTES = 32;
const KEY_CHARS = Math.ceil((KEY_BYTES * 8) / 5); // 52
const HKDF_INFO = Buffer.from('clientele recovery wrap v1');

/** 256 random bits: no password stretching is needed, so HKDF derives the wrapping key. */
export function generateRecoveryKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** "ABCD-EFGH-..." in 13 groups of four, easy to write down and read back. */
export function formatRecoveryKey(key: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of key) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out.match(/.{1,4}/g)!.join('-');
}

/** Accepts any case, spaces or dashes, and the usual look-alikes (0/O, 1/I, 8/B). */
export function parseRecoveryKey(text: string): Buffer {
  const cleaned = text.toUpperCase().replace(/[\s-]/g, '').replace(/0/g, 'O').replace(/1/g, 'I').replace(/8/g, 'B');
  if (cleaned.length !== KEY_CHARS || /[^A-Z2-7]/.test(cleaned)) {
    throw new AppError(
      'RECOVERY_KEY_INVALID',
      `That is not a recovery key: it has ${KEY_CHARS} letters and digits in groups of four.`,
    );
  }
  const out = Buffer.alloc(KEY_BYTES);
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const char of cleaned) {
    value = ((value << 5) | ALPHABET.indexOf(char)) & 0xffff;
    bits += 5;
    if (bits >= 8 && index < KEY_BYTES) {
      out[index++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
}

const RecoveryFile = z.object({
  version: z.literal(1),
  profileId: z.string(),
  kdf: z.literal('hkdf-sha256'),
  cipher: z.literal('aes-256-gcm'),
  salt: z.base64(),
  iv: z.base64(),
  tag: z.base64(),
  ciphertext: z.base64(),
  createdAt: z.string(),
});
type RecoveryFile = z.infer<typeof RecoveryFile>;

function wrappingKey(recoveryKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', recoveryKey, salt, HKDF_INFO, 32));
}

function aad(profileId: string): Buffer {
  return Buffer.from(`clientele-recovery:v1:${profileId}`);
}

/** Writes recovery.json beside the database: both store keys wrapped by the recovery key. */
export function writeRecoveryFile(path: string, profileId: string, keys: StoreKeys, recoveryKey: Buffer): void {
  const salt = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', wrappingKey(recoveryKey, salt), iv);
  cipher.setAAD(aad(profileId));
  const ciphertext = Buffer.concat([cipher.update(Buffer.concat([keys.databaseKey, keys.fieldKey])), cipher.final()]);
  const file: RecoveryFile = {
    version: 1,
    profileId,
    kdf: 'hkdf-sha256',
    cipher: 'aes-256-gcm',
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    createdAt: new Date().toISOString(),
  };
  writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`);
}

export function hasRecoveryFile(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Unwraps the store keys; a wrong recovery key (or a file of another profile) is RECOVERY_KEY_INVALID. */
export function unwrapRecoveryFile(path: string, profileId: string, recoveryKey: Buffer): StoreKeys {
  let file: RecoveryFile;
  try {
    file = RecoveryFile.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new AppError(
      'NOT_FOUND',
      `The recovery file ${path} is missing or damaged; the profile cannot be recovered.`,
      {
        cause: error,
      },
    );
  }
  if (file.profileId !== profileId) {
    throw new AppError('RECOVERY_KEY_INVALID', 'The recovery file belongs to a different profile.');
  }
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      wrappingKey(recoveryKey, Buffer.from(file.salt, 'base64')),
      Buffer.from(file.iv, 'base64'),
    );
    decipher.setAAD(aad(profileId));
    decipher.setAuthTag(Buffer.from(file.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(file.ciphertext, 'base64')), decipher.final()]);
    return { databaseKey: plain.subarray(0, 32), fieldKey: plain.subarray(32, 64) };
  } catch (error) {
    throw new AppError(
      'RECOVERY_KEY_INVALID',
      'That recovery key does not belong to this profile. Check it and try again.',
      {
        cause: error,
      },
    );
  }
}
