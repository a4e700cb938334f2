import type { DatabaseKind } from '../db/database.js';

/**
 * Everything the server needs to authorize a request, read by one statement from the session's token
 * hash: the session, its user, whether the user has 2FA on, the texts of their roles and approved
 * grants (compiled by server/rbac/rights-memo.ts) and, for the policy route, their policy_versions
 * row with the stored signed copy. One statement is one snapshot and, on PostgreSQL, one round trip
 * (the policy fetch used to take four or five).
 *
 * Rows come back as arrays in this column order (better-sqlite3's raw mode, pg's rowMode 'array'):
 * building an object of 20 named properties per row cost more than a quarter of the statement.
 * No column a request never needs (the password hash): pg decodes every column of every row.
 * PostgreSQL keeps rows between requests by the auth_epoch counter (server/db/migrations/0011): a
 * column added here needs its table's trigger there.
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
  is_admin: 10,
  user_created_at: 11,
  disabled_at: 12,
  /** 0/1 on SQLite, a boolean on PostgreSQL. */
  has_totp: 13,
  roles: 14,
  grants: 15,
  /** With the policy row only (all null when the user has none yet); pv_jws only at POLICY_COPY. */
  pv_version: 16,
  pv_rights_hash: 17,
  pv_issued_at: 18,
  pv_expires_at: 19,
  pv_jws: 20,
} as const;

/** One row of the caller statement, indexed by COL. */
export type CallerRow = readonly unknown[];

const SESSION_AND_USER = `s.id, s.token_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at,
  s.auth_method, u.email, u.email_normalized, u.is_admin, u.created_at AS user_created_at,
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
/** Every read level, in order (arrays indexed by PolicyRead). */
export const POLICY_LEVELS = [POLICY_NONE, POLICY_VERSION, POLICY_COPY] as const;

function policyColumns(level: PolicyRead): string {
  if (level === POLICY_NONE) return '';
  return `, pv.version AS pv_version, pv.rights_hash AS pv_rights_hash, pv.issued_at AS pv_issued_at,
  pv.expires_at AS pv_expires_at${level === POLICY_COPY ? ', pv.jws AS pv_jws' : ''}`;
}

/** Last in a batched row: the counter as the statement's snapshot saw it. */
const EPOCH_COLUMN = ',\n  (SELECT n FROM auth_epoch WHERE singleton = 1) AS epoch';

/** The counter alone: whether rows kept since it last moved are still what the statement would read. */
export const EPOCH_SQL = 'SELECT n FROM auth_epoch WHERE singleton = 1';

/**
 * The statement for one dialect; `$1`/`?` is the token hash. `batch` (PostgreSQL): `$1` is an array
 * of token hashes, one row per session found (rows carry their token_hash), each ending with the
 * auth_epoch counter read in the same snapshot (server/auth/postgres-caller-batcher.ts).
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
  ${rights}${policyColumns(policy)}${batch ? EPOCH_COLUMN : ''}
FROM sessions s JOIN users u ON u.id = s.user_id${policy === POLICY_NONE ? '' : ' LEFT JOIN policy_versions pv ON pv.user_id = s.user_id'}
WHERE s.token_hash ${kind === 'postgres' ? (batch ? '= ANY($1)' : '= $1') : '= ?'}`;
}
