import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../common/errors.js';
import { sqliteNativeBinding } from './native-binding.js';

export type Db = Database.Database;

export const DB_KEY_BYTES = 32;

/**
 * Opens (or creates) a SQLCipher v4 database with a raw 256-bit key: no KDF runs on open,
 * the key comes from the keychain already random.
 *
 * A wrong key is not detected by PRAGMA key: the first read fails with SQLITE_NOTADB. We read
 * right after keying, before anything could write, so a failed open leaves the file untouched.
 */
export function openEncryptedDatabase(path: string, key: Buffer, options: { create: boolean }): Db {
  if (key.length !== DB_KEY_BYTES) throw new AppError('INTERNAL', 'The database key has the wrong length.');
  let db: Db;
  try {
    db = new Database(path, { fileMustExist: !options.create, nativeBinding: sqliteNativeBinding() });
  } catch (error) {
    throw new AppError('INTERNAL', `The profile database could not be opened: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    db.pragma(`cipher='sqlcipher'`);
    db.pragma('legacy=4');
    db.pragma(`key="x'${key.toString('hex')}'"`);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    db.close();
    if (isNotADatabase(error)) {
      throw new AppError(
        'STORE_KEY_MISMATCH',
        'The key in the system keychain does not open this profile. Enter your recovery key to restore it.',
        { cause: error },
      );
    }
    throw new AppError('INTERNAL', `The profile database could not be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes (kill -9) in WAL mode; only an OS crash can lose
  // the last transactions, never corrupt the file.
  db.pragma('synchronous = NORMAL');
  // 16 MB of page cache (SQLite's default is 2 MB): a sync inserts into several indexes at random
  // places (identity, Message-ID, references, threads), and at 50,000 messages those no longer fit
  // in 2 MB. Every page read back from disk is decrypted and its HMAC checked, which cost the
  // sync's commits ~5% (bench/results/imap-sync.md); the cache grows only as it is used.
  db.pragma('cache_size = -16000');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

function isNotADatabase(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_NOTADB' || /file is not a database/i.test((error as Error).message ?? '');
}
