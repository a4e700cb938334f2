import { CompiledQuery, type Kysely } from 'kysely';
import type pg from 'pg';
import { POSTGRES_READERS, type DatabaseKind, type RawDatabase } from '../db/database.js';
import type { ServerDatabase, SessionAuthMethod } from '../db/schema.js';

/**
 * Everything the server needs to authorize a request, read by one statement from the session's token
 * hash: the session, its user, whether the user has 2FA on, the texts of their roles and approved
 * grants (compiled by server/rbac/rights-memo.ts) and, for the policy route, their policy_versions
 * row with the stored signed copy. One statement is one snapshot and, on PostgreSQL, one round trip
 * (the policy fetch used to take four or five).
 */
export type CallerRow = {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
  auth_method: SessionAuthMethod;
  email: string;
  email_normalized: string;
  password_hash: string;
  is_admin: number;
  user_created_at: number;
  disabled_at: number | null;
  /** 0/1 on SQLite, a boolean on PostgreSQL. */
  has_totp: number | boolean;
  roles: string;
  grants: string;
  /** With the policy row only (all null when the user has none yet). */
  pv_version?: number | null;
  pv_rights_hash?: string | null;
  pv_jws?: string | null;
  pv_issued_at?: number | null;
  pv_expires_at?: number | null;
};

const SESSION_AND_USER = `s.id, s.token_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at,
  s.auth_method, u.email, u.email_normalized, u.password_hash, u.is_admin, u.created_at AS user_created_at,
  u.disabled_at,
  EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = s.user_id AND t.enabled_at IS NOT NULL) AS has_totp`;

const POLICY_COLUMNS = `, pv.version AS pv_version, pv.rights_hash AS pv_rights_hash, pv.jws AS pv_jws,
  pv.issued_at AS pv_issued_at, pv.expires_at AS pv_expires_at`;

/**
 * The statement for one dialect; `$1`/`?` is the token hash. `batch` (PostgreSQL): `$1` is an array
 * of token hashes, one row per live one (rows carry their token_hash).
 */
export function callerSql(kind: DatabaseKind, withPolicy: boolean, batch = false): string {
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
  ${rights}${withPolicy ? POLICY_COLUMNS : ''}
FROM sessions s JOIN users u ON u.id = s.user_id${withPolicy ? ' LEFT JOIN policy_versions pv ON pv.user_id = s.user_id' : ''}
WHERE s.token_hash ${kind === 'postgres' ? (batch ? '= ANY($1)' : '= $1') : '= ?'}`;
}

type SqliteStatement = { get(...params: unknown[]): unknown };

type Waiter = { resolve(row: CallerRow | undefined): void; reject(error: unknown): void };

/** At most this many token hashes per batched statement; more wait for the next one. */
const MAX_BATCH = 256;
const BATCH_SQL = { true: callerSql('postgres', true, true), false: callerSql('postgres', false, true) };

/**
 * PostgreSQL: concurrent reads share statements. A read queues its token hash; the queue is sent as
 * one statement (`token_hash = ANY($1)`) as soon as fewer than `maxInFlight` are on their way, so
 * under load one round trip answers every request that arrived meanwhile, and alone a read goes out
 * at once (after the current event-loop turn, which gathers the requests parsed in it). Every read is
 * answered by a statement sent after it was queued: it sees everything committed before its request
 * arrived, as a statement of its own would (a revocation is never answered from an older read).
 */
export class PostgresBatcher {
  private queue = new Map<string, { withPolicy: boolean; waiters: Waiter[] }>();
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly pool: Pick<pg.Pool, 'query'>,
    private readonly maxInFlight = 2,
  ) {}

  read(tokenHash: string, withPolicy: boolean): Promise<CallerRow | undefined> {
    return new Promise((resolve, reject) => {
      const queued = this.queue.get(tokenHash);
      if (queued) {
        queued.withPolicy ||= withPolicy;
        queued.waiters.push({ resolve, reject });
      } else {
        this.queue.set(tokenHash, { withPolicy, waiters: [{ resolve, reject }] });
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
    const batch = new Map<string, { withPolicy: boolean; waiters: Waiter[] }>();
    for (const [hash, entry] of this.queue) {
      if (batch.size >= MAX_BATCH) break;
      batch.set(hash, entry);
    }
    for (const hash of batch.keys()) this.queue.delete(hash);
    const withPolicy = [...batch.values()].some((entry) => entry.withPolicy);
    this.inFlight += 1;
    this.pool
      .query<CallerRow>({
        name: withPolicy ? 'clientele_callers_policy' : 'clientele_callers',
        text: BATCH_SQL[`${withPolicy}`],
        values: [[...batch.keys()]],
      })
      .then(
        (result) => {
          const rows = new Map(result.rows.map((row) => [row.token_hash, row]));
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

/**
 * Runs the caller statement as cheaply as each database allows:
 * - SQLite: a statement prepared once, run synchronously on the connection when no transaction is
 *   open on it (a read then is its own atomic snapshot); inside someone's transaction it waits its
 *   turn through Kysely like any query, so it never reads another request's uncommitted writes.
 * - PostgreSQL: a named prepared statement (parsed and planned once per pooled connection), shared
 *   by the reads that arrive together (PostgresBatcher).
 * Without the raw handle (a database opened elsewhere), it goes through Kysely.
 */
export class CallerReader {
  private readonly sqliteStatements = new Map<boolean, SqliteStatement>();
  private readonly batcher: PostgresBatcher | undefined;

  constructor(
    private readonly db: Kysely<ServerDatabase>,
    private readonly kind: DatabaseKind,
    private readonly raw?: RawDatabase,
  ) {
    if (raw?.kind === 'postgres') this.batcher = new PostgresBatcher(raw.readers, POSTGRES_READERS);
  }

  async read(tokenHash: string, withPolicy: boolean): Promise<CallerRow | undefined> {
    const raw = this.raw;
    if (raw?.kind === 'sqlite' && !raw.sqlite.inTransaction) {
      let statement = this.sqliteStatements.get(withPolicy);
      if (!statement) {
        statement = raw.sqlite.prepare(callerSql('sqlite', withPolicy));
        this.sqliteStatements.set(withPolicy, statement);
      }
      return statement.get(tokenHash) as CallerRow | undefined;
    }
    if (this.batcher) return this.batcher.read(tokenHash, withPolicy);
    const result = await this.db.executeQuery<CallerRow>(
      CompiledQuery.raw(callerSql(this.kind, withPolicy), [tokenHash]),
    );
    return result.rows[0];
  }
}
