import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * The audit log: one hash-chained row per event (see server/audit/audit-log.ts). Append-only in the
 * database itself: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL), so a bug or a
 * careless admin query can't rewrite history. Someone who can drop the triggers can still edit rows;
 * the hash chain is what makes that visible (`audit verify`).
 */
// The migration works on the database before later migrations exist, so it sees no typed schema.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'bigint', (col) => col.primaryKey())
    .addColumn('at', 'bigint', (col) => col.notNull())
    // No foreign key: an entry outlives its user, and a cascade would be a delete the triggers refuse.
    .addColumn('actor_user_id', 'text')
    .addColumn('source', 'text', (col) => col.notNull().check(sql`source IN ('server', 'client')`))
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('target', 'text')
    .addColumn('details', 'text', (col) => col.notNull())
    .addColumn('client_event_id', 'text')
    .addColumn('prev_hash', 'text', (col) => col.notNull())
    .addColumn('hash', 'text', (col) => col.notNull())
    .execute();
  // An uploaded event is appended once per user; a retry finds it here.
  await db.schema
    .createIndex('audit_log_client_event')
    .on('audit_log')
    .columns(['actor_user_id', 'client_event_id'])
    .unique()
    .execute();

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
      END
      $$`.execute(db);
    await sql`
      CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
    await sql`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`.execute(db);
    return;
  }
  await sql`
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only (UPDATE refused)'); END`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only (DELETE refused)'); END`.execute(db);
}
