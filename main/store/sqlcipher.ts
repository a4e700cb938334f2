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
  // A rollback journal, not WAL. With SQLite3 Multiple Ciphers a WAL checkpoint is no copy: its VFS
  // decrypts (and checks the HMAC of) every frame it reads from the WAL and encrypts every page it
  // writes to the database, so each page a sync writes was encrypted three times, and the
  // checkpoints ran inside the commits on the core's thread. A rollback journal writes each new page
  // once, encrypted, to the database; only pages that existed before the transaction are also
  // journaled (encrypted too). Measured, the store alone filing 10,000 synced messages (160 MB):
  // 4.1-4.8 s of the core's CPU in WAL mode, 2.6-3.5 s with the journal. WAL's other gift,
  // readers beside a writer, is moot here: the core is the only process that opens the store
  // (core.lock) and it uses one connection. TRUNCATE empties the journal at commit instead of
  // deleting it (an empty clientele.db-journal stays beside the database).
  db.pragma('journal_mode = TRUNCATE');
  // FULL: the journal is synced before the database is written, so neither a killed process nor a
  // power cut can corrupt the file; a commit is durable when it returns.
  db.pragma('synchronous = FULL');
  // 16 MB of page cache (SQLite's default is 2 MB): a sync inserts into several indexes at random
  // places (identity, Message-ID, references, threads), and at 50,000 messages those no longer fit
  // in 2 MB. Every page read back from disk is decrypted and its HMAC checked, which cost the
  // sync's commits ~5%; the cache grows only as it is used.
  db.pragma('cache_size = -16000');
  // Statement journals (and any other temporary data) in memory, not in temp files. A statement
  // that may fail halfway inside a transaction (an INSERT with triggers, an upsert: every message
  // a sync files) copies the pages it changes that the transaction had already changed into a
  // statement journal; past 64 KB SQLite moved that journal to a temp file for the rest of the
  // transaction, and a sync wrote ~4.5 pages per message there, each a syscall of its own (strace,
  // the store filing 10,000 synced messages: 171,000 pwrites, 80,000 with this; its CPU time
  // -9%). An in-memory statement journal is emptied when each statement ends, so it holds one
  // statement's pages at most. It also keeps decrypted temporary data off the disk.
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

function isNotADatabase(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_NOTADB' || /file is not a database/i.test((error as Error).message ?? '');
}
