import { CompiledQuery, type Kysely } from 'kysely';
import type Sqlite from 'better-sqlite3-multiple-ciphers';
import type pg from 'pg';
import { POSTGRES_READERS, type DatabaseKind, type RawDatabase } from '../db/database.js';
import type { ServerDatabase } from '../db/schema.js';
import type { MaybePromise } from '../maybe-promise.js';

/**
 * Everything the server needs to authorize a request, read by one statement from the session's token
 * hash: the session, its user, whether the user has 2FA on, the texts of their roles and approved
 * grants (compiled by server/rbac/rights-memo.ts) and, for the policy route, their policy_versions
 * row with the stored signed copy. One statement is one snapshot and, on PostgreSQL, one round trip
 * (the policy fetch used to take four or five).
 *
 * Rows come back as arrays in this column order (better-sqlite3's raw mode, pg's rowMode 'array'):
 * building an object of 20 named properties per row cost more than a quarter of the statement.
 */
export const COL = {
  id: 0,
  token_hash: 1,
  user_id: 2,
  created_at: 3,
  last_seen_at: 4,
  expires_at: 5,
  revoked_at: 6,
  auth_method: 7,
  email: 8,
  email_normalized: 9,
  password_hash: 10,
  is_admin: 11,
  user_created_at: 12,
  disabled_at: 13,
  /** 0/1 on SQLite, a boolean on PostgreSQL. */
  has_totp: 14,
  roles: 15,
  grants: 16,
  /** With the policy row only (all null when the user has none yet); pv_jws only at POLICY_COPY. */
  pv_version: 17,
  pv_rights_hash: 18,
  pv_issued_at: 19,
  pv_expires_at: 20,
  pv_jws: 21,
} as const;

/** One row of the caller statement, indexed by COL. */
export type CallerRow = readonly unknown[];

const SESSION_AND_USER = `s.id, s.token_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at,
  s.auth_method, u.email, u.email_normalized, u.password_hash, u.is_admin, u.created_at AS user_created_at,
  u.disabled_at,
  EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = s.user_id AND t.enabled_at IS NOT NULL) AS has_totp`;

/**
 * How much of the user's policy_versions row to read: nothing (every route but the policy's), the
 * version, hash and copy timestamps (a fetch with If-None-Match, which a 304 answers), or also the
 * copy's JWS (a fetch without, which the copy answers). Ordered: a read at a level has the lower ones.
 */
export type PolicyRead = 0 | 1 | 2;
export const POLICY_NONE = 0;
export const POLICY_VERSION = 1;
export const POLICY_COPY = 2;

function policyColumns(level: PolicyRead): string {
  if (level === POLICY_NONE) return '';
  return `, pv.version AS pv_version, pv.rights_hash AS pv_rights_hash, pv.issued_at AS pv_issued_at,
  pv.expires_at AS pv_expires_at${level === POLICY_COPY ? ', pv.jws AS pv_jws' : ''}`;
}

/**
 * The statement for one dialect; `$1`/`?` is the token hash. `batch` (PostgreSQL): `$1` is an array
 * of token hashes, one row per live one (rows carry their token_hash).
 */
export function callerSql(kind: DatabaseKind, policy: PolicyRead, batch = false): string {
  // Roles in name order and grants in id order, as rolesOfUser and liveGrantsOf read them: the same
  // rights give the same text (the memo's key).
  const rights =
    kind === 'postgres'
      ? `(SELECT coalesce(json_agg(json_build_array(r.permissions, r.field_rules, r.email_visibility) ORDER BY r.name), '[]')::text
     FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = s.user_id) AS roles,
  (SELECT coalesce(json_agg(json_build_array(g.id, g.object, g.action, g.scope, g.expires_at) ORDER BY g.id), '[]')::text
     FROM access_grants g WHERE g.user_id = s.user_id AND g.status = 'approved') AS grants`
      : `(SELECT json_group_array(json_array(r.permissions, r.field_rules, r.email_visibility))
     FROM (SELECT r.permissions, r.field_rules, r.email_visibility FROM user_roles ur JOIN roles r ON r.id = ur.role_id
           WHERE ur.user_id = s.user_id ORDER BY r.name) r) AS roles,
  (SELECT json_group_array(json_array(g.id, g.object, g.action, g.scope, g.expires_at))
     FROM (SELECT g.id, g.object, g.action, g.scope, g.expires_at FROM access_grants g
           WHERE g.user_id = s.user_id AND g.status = 'approved' ORDER BY g.id) g) AS grants`;
  return `SELECT ${SESSION_AND_USER},
  ${rights}${policyColumns(policy)}
FROM sessions s JOIN users u ON u.id = s.user_id${policy === POLICY_NONE ? '' : ' LEFT JOIN policy_versions pv ON pv.user_id = s.user_id'}
WHERE s.token_hash ${kind === 'postgres' ? (batch ? '= ANY($1)' : '= $1') : '= ?'}`;
}

type SqliteStatement = {
  get(...params: unknown[]): unknown;
  raw(toggle: boolean): SqliteStatement;
  pluck(toggle: boolean): SqliteStatement;
};

type Waiter = { resolve(row: CallerRow | undefined): void; reject(error: unknown): void };

/** At most this many token hashes per batched statement; more wait for the next one. */
const MAX_BATCH = 256;
const LEVELS = [POLICY_NONE, POLICY_VERSION, POLICY_COPY] as const;
const BATCH_SQL = LEVELS.map((level) => callerSql('postgres', level, true));
const BATCH_NAMES = ['clientele_callers', 'clientele_callers_version', 'clientele_callers_copy'];

/**
 * PostgreSQL: concurrent reads share statements. A read queues its token hash; the queue is sent as
 * one statement (`token_hash = ANY($1)`) as soon as fewer than `maxInFlight` are on their way, so
 * under load one round trip answers every request that arrived meanwhile, and alone a read goes out
 * at once (after the current event-loop turn, which gathers the requests parsed in it). Every read is
 * answered by a statement sent after it was queued: it sees everything committed before its request
 * arrived, as a statement of its own would (a revocation is never answered from an older read).
 */
export class PostgresBatcher {
  private queue = new Map<string, { policy: PolicyRead; waiters: Waiter[] }>();
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly pool: Pick<pg.Pool, 'query'>,
    private readonly maxInFlight = 2,
  ) {}

  read(tokenHash: string, policy: PolicyRead): Promise<CallerRow | undefined> {
    return new Promise((resolve, reject) => {
      const queued = this.queue.get(tokenHash);
      if (queued) {
        if (policy > queued.policy) queued.policy = policy;
        queued.waiters.push({ resolve, reject });
      } else {
        this.queue.set(tokenHash, { policy, waiters: [{ resolve, reject }] });
      }
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.size === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight >= this.maxInFlight || this.queue.size === 0) return;
    const batch = new Map<string, { policy: PolicyRead; waiters: Waiter[] }>();
    for (const [hash, entry] of this.queue) {
      if (batch.size >= MAX_BATCH) break;
      batch.set(hash, entry);
    }
    for (const hash of batch.keys()) this.queue.delete(hash);
    // The statement reads as much of the policy row as the most demanding read of the batch.
    let policy: PolicyRead = POLICY_NONE;
    for (const entry of batch.values()) if (entry.policy > policy) policy = entry.policy;
    this.inFlight += 1;
    this.pool
      .query<unknown[]>({
        name: BATCH_NAMES[policy]!,
        text: BATCH_SQL[policy]!,
        values: [[...batch.keys()]],
        rowMode: 'array',
      })
      .then(
        (result) => {
          const rows = new Map(result.rows.map((row) => [row[COL.token_hash] as string, row]));
          for (const [hash, entry] of batch) for (const waiter of entry.waiters) waiter.resolve(rows.get(hash));
        },
        (error: unknown) => {
          for (const entry of batch.values()) for (const waiter of entry.waiters) waiter.reject(error);
        },
      )
      .finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
    this.schedule();
  }
}

/** Rows kept per token hash and read level between two changes of the SQLite database, at most. */
const SQLITE_ROWS_KEPT = 4096;

/**
 * Runs the caller statement as cheaply as each database allows:
 * - SQLite: a statement prepared once, run synchronously on the connection when no transaction is
 *   open on it (a read then is its own atomic snapshot); inside someone's transaction it waits its
 *   turn through Kysely like any query, so it never reads another request's uncommitted writes.
 *   A row read is kept until the database changes, which every read checks first with SQLite's own
 *   counters, two cheap statements: `total_changes()` counts every row this connection inserted,
 *   updated or deleted (this instance's writes, committed or not),
 *   `PRAGMA data_version` moves with every commit of any other connection (another process on the
 *   file, the CLI). Any change drops every row kept, so a kept row is exactly what the statement
 *   would return now: nothing waits for a timeout, a revocation decides the very next request.
 *   (The time checks, expiry and grants running out, are made on every request from the row.)
 * - PostgreSQL: a named prepared statement (parsed and planned once per pooled connection), shared
 *   by the reads that arrive together (PostgresBatcher).
 * Without the raw handle (a database opened elsewhere), it goes through Kysely.
 */
export class CallerReader {
  private readonly sqliteStatements = new Map<PolicyRead, SqliteStatement>();
  private sqliteStamp: { changes: SqliteStatement; dataVersion: SqliteStatement } | undefined;
  private changes: unknown = -1;
  private dataVersion: unknown = -1;
  private readonly kept: Map<string, CallerRow>[] = LEVELS.map(() => new Map<string, CallerRow>());
  private readonly batcher: PostgresBatcher | undefined;

  constructor(
    private readonly db: Kysely<ServerDatabase>,
    private readonly kind: DatabaseKind,
    private readonly raw?: RawDatabase,
  ) {
    if (raw?.kind === 'postgres') this.batcher = new PostgresBatcher(raw.readers, POSTGRES_READERS);
  }

  /** Synchronous on SQLite outside a transaction (server/maybe-promise.ts). */
  read(tokenHash: string, policy: PolicyRead): MaybePromise<CallerRow | undefined> {
    const raw = this.raw;
    if (raw?.kind === 'sqlite' && !raw.sqlite.inTransaction) return this.readSqlite(raw.sqlite, tokenHash, policy);
    if (this.batcher) return this.batcher.read(tokenHash, policy);
    return this.readThroughKysely(tokenHash, policy);
  }

  private async readThroughKysely(tokenHash: string, policy: PolicyRead): Promise<CallerRow | undefined> {
    const result = await this.db.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(callerSql(this.kind, policy), [tokenHash]),
    );
    // Objects keep the select's column order.
    return result.rows[0] && Object.values(result.rows[0]);
  }

  private readSqlite(sqlite: Sqlite.Database, tokenHash: string, policy: PolicyRead): CallerRow | undefined {
    // Two statements rather than one `SELECT total_changes(), (SELECT ... FROM pragma_data_version())`:
    // the pragma's table-valued function prepares `PRAGMA data_version` anew on every run (a parse per
    // request); the pragma itself is prepared once. Both run synchronously, nothing comes between them.
    this.sqliteStamp ??= {
      changes: (sqlite.prepare('SELECT total_changes()') as unknown as SqliteStatement).pluck(true),
      dataVersion: (sqlite.prepare('PRAGMA data_version') as unknown as SqliteStatement).pluck(true),
    };
    const changes = this.sqliteStamp.changes.get();
    const dataVersion = this.sqliteStamp.dataVersion.get();
    if (changes !== this.changes || dataVersion !== this.dataVersion) {
      for (const rows of this.kept) rows.clear();
      this.changes = changes;
      this.dataVersion = dataVersion;
    }
    const kept = this.kept[policy]!;
    const found = kept.get(tokenHash);
    if (found) return found;
    let statement = this.sqliteStatements.get(policy);
    if (!statement) {
      statement = (sqlite.prepare(callerSql('sqlite', policy)) as unknown as SqliteStatement).raw(true);
      this.sqliteStatements.set(policy, statement);
    }
    const row = statement.get(tokenHash) as CallerRow | undefined;
    // Only live tokens are kept (random ones sprayed at the server are not), and boundedly.
    if (row) {
      if (kept.size >= SQLITE_ROWS_KEPT) kept.clear();
      kept.set(tokenHash, row);
    }
    return row;
  }
}
