import Sqlite from 'better-sqlite3-multiple-ciphers';
import { Kysely, SqliteDialect, sql, type Generated, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from '../../server/db/sqlite-statement-cache.js';

/** A database that counts what it prepares: each statement is a distinct object. */
function countingDatabase(): SqliteDatabase & { prepared: string[]; closed: boolean } {
  const fake = {
    prepared: [] as string[],
    closed: false,
    close: () => {
      fake.closed = true;
    },
    prepare: (text: string): SqliteStatement => {
      fake.prepared.push(text);
      return {
        reader: true,
        all: () => [],
        run: () => ({ changes: 0, lastInsertRowid: 0 }),
        iterate: () => [][Symbol.iterator](),
      };
    },
  };
  return fake;
}

describe('the SQLite statement cache', () => {
  it('prepares each SQL text once and hands back the same statement', () => {
    const database = countingDatabase();
    const cached = withStatementCache(database);
    const first = cached.prepare('select 1');
    expect(cached.prepare('select 1')).toBe(first);
    expect(cached.prepare('select 2')).not.toBe(first);
    expect(database.prepared).toEqual(['select 1', 'select 2']);
  });

  it('drops the least recently used text past its size and prepares it again when it comes back', () => {
    const database = countingDatabase();
    const cached = withStatementCache(database, 2);
    cached.prepare('a');
    cached.prepare('b');
    cached.prepare('a'); // now b is the least recently used
    cached.prepare('c');
    expect(cached.size).toBe(2);
    cached.prepare('a');
    cached.prepare('b');
    expect(database.prepared).toEqual(['a', 'b', 'c', 'b']);
  });

  it('closes the database it wraps', () => {
    const database = countingDatabase();
    withStatementCache(database).close();
    expect(database.closed).toBe(true);
  });

  it('serves Kysely reads and writes on a real SQLite database with reused statements', async () => {
    const database = withStatementCache(new Sqlite(':memory:'));
    const db = new Kysely<{ items: { id: Generated<number>; name: string } }>({
      dialect: new SqliteDialect({ database }),
    });
    try {
      await sql`CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)`.execute(db);
      for (const name of ['one', 'two', 'three']) await db.insertInto('items').values({ name }).execute();
      const renamed = await db.updateTable('items').set({ name: 'second' }).where('id', '=', 2).executeTakeFirst();
      expect(renamed.numUpdatedRows).toBe(1n);
      const names = async (): Promise<string[]> =>
        (await db.selectFrom('items').select('name').orderBy('id').execute()).map((row) => row.name);
      expect(await names()).toEqual(['one', 'second', 'three']);
      await db.deleteFrom('items').where('id', '=', 1).execute();
      // The same select text again: the cached statement sees the change.
      expect(await names()).toEqual(['second', 'three']);
      // CREATE, INSERT, UPDATE, SELECT, DELETE: one statement each however often they ran.
      expect(database.size).toBe(5);
    } finally {
      await db.destroy();
    }
  });
});
