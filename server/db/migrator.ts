import { sql, type Kysely } from 'kysely';
import type { ServerDatabase } from './schema.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import type { DatabaseKind } from './database.js';

/** An arbitrary constant: the PostgreSQL advisory lock that serializes migrations across instances. */
const MIGRATION_LOCK_ID = 7_270_001;

/**
 * Applies the migrations not yet recorded in schema_migrations, in order, each in its own
 * transaction together with its record: a failed step leaves the database at the previous version.
 * Several instances may start at once on one PostgreSQL; an advisory lock lets one migrate while
 * the others wait, then find nothing left to do.
 */
export async function migrate(
  db: Kysely<ServerDatabase>,
  kind: DatabaseKind,
  now: () => number,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('applied_at', 'bigint', (col) => col.notNull())
    .execute();

  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    const ran = await db.transaction().execute(async (trx) => {
      if (kind === 'postgres') await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`.execute(trx);
      const done = await trx
        .selectFrom('schema_migrations')
        .select('version')
        .where('version', '=', migration.version)
        .executeTakeFirst();
      if (done) return false;
      await migration.up(trx as unknown as Kysely<unknown>);
      await trx
        .insertInto('schema_migrations')
        .values({ version: migration.version, name: migration.name, applied_at: now() })
        .execute();
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
}

export async function appliedVersions(db: Kysely<ServerDatabase>): Promise<number[]> {
  const rows = await db.selectFrom('schema_migrations').select('version').orderBy('version').execute();
  return rows.map((row) => row.version);
}
