import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { ServerDatabase } from './schema.js';
import { withStatementCache } from './sqlite-statement-cache.js';

export type DatabaseKind = 'sqlite' | 'postgres';

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/**
 * The driver under Kysely, for the one hot statement that bypasses its query builder
 * (server/auth/caller-query.ts): the better-sqlite3 connection, or on PostgreSQL a small pool of its
 * own (`readers`, see openDatabase).
 */
export type RawDatabase = { kind: 'sqlite'; sqlite: Sqlite.Database } | { kind: 'postgres'; readers: pg.Pool };

/** Connections of the PostgreSQL readers pool: the caller read's batches in flight at once. */
export const POSTGRES_READERS = 2;

export type OpenDatabase = {
  kind: DatabaseKind;
  db: Kysely<ServerDatabase>;
  raw: RawDatabase;
  close(): Promise<void>;
};

const PG_INT8_OID = 20;

const parseNumber = (value: string): number => Number(value);

/** pg's own parsers, except INT8 (BIGINT, COUNT) which it leaves as a string to be safe past 2^53. */
const int8AsNumber = ((oid: number, format?: 'text' | 'binary'): unknown =>
  oid === PG_INT8_OID && format !== 'binary'
    ? parseNumber
    : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser;

/**
 * One query layer for both databases. SQLite is the embedded default (the SQLCipher driver opened
 * without a key is plain SQLite); PostgreSQL serves several stateless instances.
 */
export function openDatabase(target: DatabaseTarget): OpenDatabase {
  if (target.kind === 'sqlite') {
    mkdirSync(dirname(target.file), { recursive: true });
    const sqlite = new Sqlite(target.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    // A second process on the same file waits for the writer instead of failing at once.
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<ServerDatabase>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { kind: 'sqlite', db, raw: { kind: 'sqlite', sqlite }, close: () => db.destroy() };
  }
  // Timestamps are BIGINT milliseconds: read them as numbers, as SQLite does (safe up to 2^53).
  const types = { getTypeParser: int8AsNumber };
  const pool = new pg.Pool({ connectionString: target.url, max: 10, types });
  // The caller read (one named statement per request batch) on connections of its own, which always
  // use the statement's generic plan: with the default plan_cache_mode PostgreSQL re-planned the
  // batched statement on every execution (its custom plans look cheaper than the generic one), which
  // cost three times its execution. Kysely's queries keep the default on the main pool.
  const readers = new pg.Pool({
    connectionString: target.url,
    max: POSTGRES_READERS,
    types,
    options: '-c plan_cache_mode=force_generic_plan',
  });
  const db = new Kysely<ServerDatabase>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    raw: { kind: 'postgres', readers },
    close: async () => {
      await db.destroy();
      await readers.end();
    },
  };
}

export function databaseTargetFromUrl(url: string | undefined, sqliteFile: string): DatabaseTarget {
  if (url && /^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  if (url) throw new Error(`DATABASE_URL must start with postgres:// (got ${url.split(':')[0]}:)`);
  return { kind: 'sqlite', file: sqliteFile };
}
