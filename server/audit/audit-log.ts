import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import type { AuditLogTable, ServerDatabase } from '../db/schema.js';
import { auditEntryHash, GENESIS_HASH } from './audit-hash.js';
import { canonicalJson } from './canonical-json.js';

export type AuditSource = 'server' | 'client';

/** What a caller records; the log adds the sequence number and the hash chain. */
export type AuditEvent = {
  /** Dotted verb, e.g. 'auth.login', 'auth.login_failed', 'role.assigned', 'client.export'. */
  action: string;
  /** The user who acted, or null (a failed login, the system itself). */
  actorUserId: string | null;
  /** Milliseconds since the epoch, from the server clock. */
  at: number;
  /** What was acted on ('user:<id>', 'session:<id>', 'policy:<version>'...); null when nothing in particular. */
  target?: string | null;
  /** Facts worth keeping. Never secrets: no passwords, tokens or key material. */
  details?: Record<string, unknown>;
  source?: AuditSource;
  /** The desktop's id for an uploaded event: the same id from the same user is appended once. */
  clientEventId?: string;
};

export type AuditEntry = {
  seq: number;
  at: number;
  actorUserId: string | null;
  source: AuditSource;
  action: string;
  target: string | null;
  details: string;
  clientEventId: string | null;
  prevHash: string;
  hash: string;
};

export type RecordResult = { entry: AuditEntry; appended: boolean };

/** An arbitrary constant: the PostgreSQL advisory lock that serializes appends across instances. */
const AUDIT_APPEND_LOCK_ID = 7_270_003;

export function entryFromRow(row: AuditLogTable): AuditEntry {
  return {
    seq: Number(row.seq),
    at: Number(row.at),
    actorUserId: row.actor_user_id,
    source: row.source,
    action: row.action,
    target: row.target,
    details: row.details,
    clientEventId: row.client_event_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function isPostgres(db: Kysely<ServerDatabase>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

async function appendLocked(trx: Kysely<ServerDatabase>, event: AuditEvent): Promise<RecordResult> {
  const clientEventId = event.clientEventId ?? null;
  if (clientEventId !== null) {
    const existing = await trx
      .selectFrom('audit_log')
      .selectAll()
      .where('client_event_id', '=', clientEventId)
      .where('actor_user_id', event.actorUserId === null ? 'is' : '=', event.actorUserId)
      .executeTakeFirst();
    if (existing) return { entry: entryFromRow(existing), appended: false };
  }
  const last = await trx
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const fields = {
    seq: last ? Number(last.seq) + 1 : 1,
    at: event.at,
    actorUserId: event.actorUserId,
    source: event.source ?? 'server',
    action: event.action,
    target: event.target ?? null,
    details: canonicalJson(event.details ?? {}),
    clientEventId,
    prevHash: last ? last.hash : GENESIS_HASH,
  } satisfies Omit<AuditEntry, 'hash'>;
  const hash = auditEntryHash(fields);
  await trx
    .insertInto('audit_log')
    .values({
      seq: fields.seq,
      at: fields.at,
      actor_user_id: fields.actorUserId,
      source: fields.source,
      action: fields.action,
      target: fields.target,
      details: fields.details,
      client_event_id: fields.clientEventId,
      prev_hash: fields.prevHash,
      hash,
    })
    .execute();
  return { entry: { ...fields, hash }, appended: true };
}

/**
 * Runs `append` holding the log's append lock. Appends are serialized so two server instances never
 * read the same tail and fork the chain: on PostgreSQL a transaction-scoped advisory lock, on SQLite
 * a BEGIN IMMEDIATE (the write lock is taken before the tail is read; another process waits on
 * busy_timeout). Inside a caller's transaction it joins it, so an event commits or rolls back with
 * the change it describes. The sequence number is the primary key as well: should two appends ever
 * race, the second fails instead of forking.
 */
async function withAppendLock<T>(db: Kysely<ServerDatabase>, append: (trx: Kysely<ServerDatabase>) => Promise<T>) {
  const postgres = isPostgres(db);
  if (db.isTransaction) {
    if (postgres) await sql`SELECT pg_advisory_xact_lock(${AUDIT_APPEND_LOCK_ID})`.execute(db);
    return append(db);
  }
  if (postgres) {
    return db.transaction().execute(async (trx: Transaction<ServerDatabase>) => {
      await sql`SELECT pg_advisory_xact_lock(${AUDIT_APPEND_LOCK_ID})`.execute(trx);
      return append(trx);
    });
  }
  // Kysely's SQLite transactions BEGIN DEFERRED; the lock must be held before the tail is read.
  return db.connection().execute(async (connection) => {
    await sql`BEGIN IMMEDIATE`.execute(connection);
    try {
      const result = await append(connection);
      await sql`COMMIT`.execute(connection);
      return result;
    } catch (error) {
      await sql`ROLLBACK`.execute(connection);
      throw error;
    }
  });
}

/** Appends one event to the hash-chained audit log (see withAppendLock for how appends serialize). */
export function recordAudit(db: Kysely<ServerDatabase>, event: AuditEvent): Promise<RecordResult> {
  return withAppendLock(db, (trx) => appendLocked(trx, event));
}

/** Appends several events in order, all or none, under one lock (the desktop's upload batches). */
export function recordAuditBatch(db: Kysely<ServerDatabase>, events: readonly AuditEvent[]): Promise<RecordResult[]> {
  return withAppendLock(db, async (trx) => {
    const results: RecordResult[] = [];
    for (const event of events) results.push(await appendLocked(trx, event));
    return results;
  });
}
