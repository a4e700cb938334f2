import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OsKeychain } from '../../main/platform/keychain/os-keychain.js';
import { openEncryptedDatabase, type Db } from '../../main/store/sqlcipher.js';

/**
 * A second, read-only look at a profile's encrypted store, keyed from the real keychain, so
 * tests check what was committed on disk rather than what the core says about it.
 */
export async function withStore<T>(dataDir: string, read: (db: Db) => T): Promise<T> {
  const { id } = JSON.parse(readFileSync(join(dataDir, 'profile.json'), 'utf8')) as { id: string };
  const key = await new OsKeychain().get(id);
  if (!key) throw new Error('no key in the keychain for this profile');
  const db = openEncryptedDatabase(join(dataDir, 'clientele.db'), key, { create: false });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

export type StoredMessageRow = {
  message_id: string | null;
  subject: string | null;
  direction: string;
  thread_id: number;
};

/** Every message some folder still holds, with the folders holding it. */
export function liveMessages(db: Db): (StoredMessageRow & { folders: string })[] {
  return db
    .prepare(
      `SELECT m.message_id, m.subject, m.direction, m.thread_id, group_concat(f.path, ',') AS folders
       FROM messages m JOIN message_locations l ON l.message = m.id JOIN folders f ON f.id = l.folder_id
       GROUP BY m.id ORDER BY m.date DESC`,
    )
    .all() as (StoredMessageRow & { folders: string })[];
}
