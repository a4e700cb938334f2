import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../../common/errors.js';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals single fields (passwords, refresh tokens, session tokens) with AES-256-GCM under the
 * field key, a second keychain secret. The database is already encrypted; sealing keeps these
 * values out of every plaintext page (a crash dump, a decrypted backup, an export).
 * The context (e.g. "secret:imap:acct-1") is bound as AAD so a sealed value cannot be moved
 * to another row and still open.
 */
export class FieldSealer {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new AppError('INTERNAL', 'The field key has the wrong length.');
  }

  seal(plaintext: string, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer, context: string): string {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
      throw new AppError('INTERNAL', 'A sealed value has an unknown format.');
    }
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch (error) {
      throw new AppError('STORE_KEY_MISMATCH', 'A sealed secret could not be opened with the field key.', {
        cause: error,
      });
    }
  }
}
