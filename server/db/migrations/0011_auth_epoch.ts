import { sql, type Kysely } from 'kysely';
import type { MigrationRun } from './migration.js';

/**
 * PostgreSQL only: a counter that every transaction changing what the caller read returns
 * (server/auth/caller-query.ts) moves, in that same transaction. An instance keeps the rows it read
 * with the counter read by the same statement, and answers a later request from them after one
 * cheap round trip shows the counter has not moved: one committed change anywhere (this instance,
 * another one, psql) and the next read is the full statement again. SQLite needs none of this: it
 * has its own counters (total_changes(), PRAGMA data_version).
 *
 * The triggers run BEFORE each statement, so a transaction locks the counter's row before any row of
 * these tables. And before the counter, the audit log's append lock (server/audit/audit-log.ts,
 * AUDIT_APPEND_LOCK_ID): writers record their change after making it (counter, then audit) but a
 * sign-in by SSO records the new user before giving them a role (audit, then counter); taking both in
 * one order here means no two transactions can each hold one and wait for the other.
 * Left out on purpose, because they don't change a kept row's meaning:
 * - a session's last_seen_at and expires_at (the once-a-minute touch of every live session, which
 *   would otherwise empty every instance's rows every few seconds on a busy server): a kept row is
 *   used only while its own copy of them says the session is live and no touch is due, so an older
 *   copy can only send the read back to the database, never accept anything;
 * - new sessions (a login), and users inserted: rows are only kept for sessions that were read;
 * - user_totp.last_time_step (each 2FA login).
 * A column later added to the caller statement needs its table here.
 */
/** The audit log's append lock as it was when this migration was written (a migration never changes). */
const AUDIT_APPEND_LOCK_ID = 7_270_003;

const TRIGGERS: readonly { table: string; events: string }[] = [
  {
    table: 'sessions',
    events: 'UPDATE OF token_hash, user_id, created_at, revoked_at, auth_method OR DELETE OR TRUNCATE',
  },
  { table: 'users', events: 'UPDATE OR DELETE OR TRUNCATE' },
  { table: 'user_totp', events: 'INSERT OR UPDATE OF user_id, enabled_at OR DELETE OR TRUNCATE' },
  { table: 'roles', events: 'INSERT OR UPDATE OR DELETE OR TRUNCATE' },
  { table: 'user_roles', events: 'INSERT OR UPDATE OR DELETE OR TRUNCATE' },
  { table: 'access_grants', events: 'INSERT OR UPDATE OR DELETE OR TRUNCATE' },
  { table: 'policy_versions', events: 'INSERT OR UPDATE OR DELETE OR TRUNCATE' },
];

// The migration works on the database before later migrations exist, so it sees no typed schema.
export async function up(db: Kysely<unknown>, { kind }: MigrationRun): Promise<void> {
  if (kind !== 'postgres') return;
  await sql`CREATE TABLE auth_epoch (
    singleton integer PRIMARY KEY CHECK (singleton = 1),
    n bigint NOT NULL
  )`.execute(db);
  await sql`INSERT INTO auth_epoch (singleton, n) VALUES (1, 0)`.execute(db);
  await sql`CREATE FUNCTION bump_auth_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(${sql.lit(AUDIT_APPEND_LOCK_ID)});
      UPDATE auth_epoch SET n = n + 1 WHERE singleton = 1;
      RETURN NULL;
    END
  $$`.execute(db);
  for (const { table, events } of TRIGGERS) {
    await sql`CREATE TRIGGER ${sql.raw(`${table}_bump_auth_epoch`)} BEFORE ${sql.raw(events)} ON ${sql.table(table)}
      FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_epoch()`.execute(db);
  }
}
