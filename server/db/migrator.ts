import { sql, type Kysely } from 'kysely';
import type { ServerDatabase } from './schema.js';
import { MIGRATIONS, type Migration, type MigrationContext } from './migrations/index.js';
import type { DatabaseKind } from './database.js';

/** An arbitrary constant: the PostgreSQL advisory lock that serializes migrations across instances. */
const MIGRATION_LOCK_ID = 7_270_001;

/**
 * Applies the migrations not yet recorded in schema_migrations, in order, each in its own
 * transaction together with its record: a failed step leaves the database at the previous version.
 * Each version is checked on its own, so gaps are fine and a lower number that arrives later (work
 * merged after a database was migrated) is still applied.
 * Several instances may start at once on one PostgreSQL; an advisory lock lets one migrate while
 * the others wait, then find nothing left to do.
 */
export async function migrate(
  db: Kysely<ServerDatabase>,
  kind: DatabaseKind,
  now: () => number,
  migrations: readonly Migration[] = MIGRATIONS,
  context: MigrationContext = {},
): Promise<number[]> {
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('applied_at', 'bigint', (col) => col.notNull())
    .execute();

  const applied: number[] = [];
  const toCompact = new Set<string>();
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    const ran = await db.transaction().execute(async (trx) => {
      if (kind === 'postgres') await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`.execute(trx);
      const done = await trx
        .selectFrom('schema_migrations')
        .select('version')
        .where('version', '=', migration.version)
        .executeTakeFirst();
      if (done) return false;
      await migration.up(trx as unknown as Kysely<unknown>, { ...context, kind });
      await trx
        .insertInto('schema_migrations')
        .values({ version: migration.version, name: migration.name, applied_at: now() })
        .execute();
      return true;
    });
    if (ran) {
      applied.push(migration.version);
      for (const table of migration.compactAfter ?? []) toCompact.add(table);
    }
  }
  if (toCompact.size > 0) await compactTables(db, kind, [...toCompact]);
  return applied;
}

/**
 * Rewrites tables so row versions a migration replaced are gone from the files, not merely unused:
 * PostgreSQL keeps dead tuples until VACUUM and reuses their space without clearing it; SQLite
 * keeps freed cells in its pages and old frames in the WAL. Neither command runs in a transaction.
 */
async function compactTables(db: Kysely<ServerDatabase>, kind: DatabaseKind, tables: readonly string[]): Promise<void> {
  if (kind === 'postgres') {
    for (const table of tables) await sql`VACUUM FULL ${sql.table(table)}`.execute(db);
    return;
  }
  await sql`VACUUM`.execute(db);
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
}

export async function appliedVersions(db: Kysely<ServerDatabase>): Promise<number[]> {
  const rows = await db.selectFrom('schema_migrations').select('version').orderBy('version').execute();
  return rows.map((row) => row.version);
}
