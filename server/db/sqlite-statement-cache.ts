import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * better-sqlite3 behind Kysely with each SQL text prepared once: Kysely's SQLite driver calls
 * `prepare` for every query, and preparing cost more than running the query itself on the hot
 * routes (session lookup, policy fetch: see bench/policy-fetch.bench.mjs). Kysely holds one
 * connection and runs one query at a time on it, so a cached statement is never in use twice.
 * Least recently used texts are dropped past `max` (queries with inlined values never repeat).
 */
export function withStatementCache(database: SqliteDatabase, max = 256): SqliteDatabase & { readonly size: number } {
  const statements = new Map<string, SqliteStatement>();
  return {
    get size() {
      return statements.size;
    },
    close: () => {
      statements.clear();
      database.close();
    },
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement) {
        // Map keeps insertion order: re-inserting makes this the most recently used.
        statements.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (statements.size >= max) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
