import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseTarget } from '../../server/db/database.js';
import { postgresBinDir, type PostgresCluster } from './postgres.js';

/**
 * Everything an attacker who copies the database would get, as one searchable string:
 * SQLite: the database file, its WAL and shared-memory file, byte for byte (free space included).
 * PostgreSQL: pg_dump's full dump, plus the on-disk files of the named tables after a CHECKPOINT
 * (dead row versions a plain dump does not show).
 */
export async function databaseBytes(
  target: DatabaseTarget,
  cluster: PostgresCluster | undefined,
  tables: readonly string[],
): Promise<string> {
  if (target.kind === 'sqlite') {
    return ['', '-wal', '-shm']
      .map((suffix) => `${target.file}${suffix}`)
      .filter((file) => existsSync(file))
      .map((file) => readFileSync(file).toString('latin1'))
      .join('\n');
  }
  if (!cluster) throw new Error('a PostgreSQL target needs its cluster');
  const dump = spawnSync(join(postgresBinDir(), 'pg_dump'), ['--dbname', target.url], { encoding: 'latin1' });
  if (dump.status !== 0) throw new Error(`pg_dump failed: ${dump.stderr}`);
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  const files: string[] = [];
  try {
    await client.query('CHECKPOINT');
    for (const table of tables) {
      const result = await client.query<{ path: string }>('SELECT pg_relation_filepath($1::regclass) AS path', [table]);
      files.push(readFileSync(join(cluster.dir, 'data', result.rows[0]!.path)).toString('latin1'));
    }
  } finally {
    await client.end();
  }
  return [dump.stdout, ...files].join('\n');
}
