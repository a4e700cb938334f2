import { sql, type Kysely } from 'kysely';

/**
 * The offline grace becomes a workspace setting the admin edits (PUT /api/admin/settings) beside the
 * other settings, read through the same short cache by every instance. It was a column of the
 * workspace row, fixed at 72 h when the row was made; its value moves here and the old column is no
 * longer read (left in place: dropping a column is not portable to older SQLite builds).
 */
// The migration works on the database before later migrations exist, so it sees no typed schema.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('workspace_settings')
    .addColumn('offline_grace_hours', 'integer', (col) => col.notNull().defaultTo(72))
    .execute();
  await sql`UPDATE workspace_settings
    SET offline_grace_hours = (SELECT w.offline_grace_hours FROM workspace w WHERE w.singleton = 1)
    WHERE EXISTS (SELECT 1 FROM workspace w WHERE w.singleton = 1)`.execute(db);
}
