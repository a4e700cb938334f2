import { CompiledQuery, type Kysely } from 'kysely';
import type { DatabaseKind, RawDatabase } from '../db/database.js';
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

/** The statement for one dialect; `$1`/`?` is the token hash. */
export function callerSql(kind: DatabaseKind, withPolicy: boolean): string {
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
WHERE s.token_hash = ${kind === 'postgres' ? '$1' : '?'}`;
}

type SqliteStatement = { get(...params: unknown[]): unknown };

/**
 * Runs the caller statement as cheaply as each database allows:
 * - SQLite: a statement prepared once, run synchronously on the connection when no transaction is
 *   open on it (a read then is its own atomic snapshot); inside someone's transaction it waits its
 *   turn through Kysely like any query, so it never reads another request's uncommitted writes.
 * - PostgreSQL: a named prepared statement (parsed and planned once per pooled connection).
 * Without the raw handle (a database opened elsewhere), it goes through Kysely.
 */
export class CallerReader {
  private readonly sqliteStatements = new Map<boolean, SqliteStatement>();

  constructor(
    private readonly db: Kysely<ServerDatabase>,
    private readonly kind: DatabaseKind,
    private readonly raw?: RawDatabase,
  ) {}

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
    if (raw?.kind === 'postgres') {
      const result = await raw.pool.query<CallerRow>({
        name: withPolicy ? 'clientele_caller_policy' : 'clientele_caller',
        text: callerSql('postgres', withPolicy),
        values: [tokenHash],
      });
      return result.rows[0];
    }
    const result = await this.db.executeQuery<CallerRow>(
      CompiledQuery.raw(callerSql(this.kind, withPolicy), [tokenHash]),
    );
    return result.rows[0];
  }
}
