import { sql, type Kysely, type Transaction } from 'kysely';
import type { DatabaseKind } from './database.js';
import type { ServerDatabase } from './schema.js';

/**
 * A transaction that holds a PostgreSQL advisory lock (two keys: a namespace and a hashed name) for
 * its whole life, so read-check-write sequences don't race across instances. On SQLite each instance
 * has one connection whose queries Kysely runs one at a time, and the write lock serializes
 * processes, so the transaction alone suffices. The audit log joins it (recordAudit(trx)), so an
 * event commits with the change it records.
 */
export function lockedTransaction<T>(
  db: Kysely<ServerDatabase>,
  kind: DatabaseKind,
  lock: { namespace: number; name: string },
  work: (trx: Transaction<ServerDatabase>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await takeLock(trx, kind, lock);
    return work(trx);
  });
}

/**
 * Takes one more such lock inside a transaction that holds one already, until it ends. Locks are
 * always taken in one order (roles, then teams, then the audit log's append lock), so that no two
 * transactions can each hold one the other waits for.
 */
export async function takeLock(
  trx: Transaction<ServerDatabase>,
  kind: DatabaseKind,
  lock: { namespace: number; name: string },
): Promise<void> {
  if (kind === 'postgres') {
    await sql`SELECT pg_advisory_xact_lock(${lock.namespace}, hashtext(${lock.name}))`.execute(trx);
  }
}
