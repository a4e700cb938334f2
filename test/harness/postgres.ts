import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type PostgresCluster = {
  readonly port: number;
  readonly dir: string;
  /** A URL for the maintenance database `postgres` as the superuser `postgres`. */
  readonly adminUrl: string;
  /** Creates an empty database and returns its URL: one per test group keeps them independent. */
  createDatabase(name: string): Promise<string>;
  /** Stops the cluster (fast shutdown) and removes its temp dir. */
  stop(): void;
};

/** The bin dir of the newest installed PostgreSQL (Debian's /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(searchDirs: readonly string[] = ['/usr/lib/postgresql']): string {
  for (const base of searchDirs) {
    if (!existsSync(base)) continue;
    const majors = readdirSync(base)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const major of majors) {
      const bin = join(base, major, 'bin');
      if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
    }
  }
  throw new Error(
    `PostgreSQL is needed for the team server tests but initdb/pg_ctl were not found under ${searchDirs.join(', ')} (<major>/bin). ` +
      'Install it: apt-get install postgresql (Debian 12 ships PostgreSQL 15), or run npm test as root.',
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Runs a PostgreSQL tool; as root through `runuser -u postgres`, because initdb and postgres refuse root. */
function run(bin: string, args: string[], asPostgres: boolean): void {
  const [command, commandArgs] = asPostgres ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const result = spawnSync(command, commandArgs, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${bin} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
}

function postgresUser(): { uid: number; gid: number } {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error('Running as root needs the `postgres` system user (apt-get install postgresql creates it).');
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * A private PostgreSQL cluster in a temp dir on 127.0.0.1 and a free port, trust auth for the
 * superuser `postgres`, fsync off (throwaway data). Nothing of the system's own cluster is used.
 */
export async function startPostgres(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const asPostgres = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'clientele-pg-'));
  const data = join(dir, 'data');
  if (asPostgres) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
    // runuser keeps the caller's cwd and temp parents must be traversable for the postgres user.
    chmodSync(dir, 0o700);
  }
  const port = await freePort();
  const stopCluster = (): void => {
    if (existsSync(join(data, 'postmaster.pid'))) {
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], asPostgres);
      } catch {
        // Already gone: nothing to stop.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], asPostgres);
    const serverOptions = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    run(
      join(bin, 'pg_ctl'),
      ['-D', data, '-o', serverOptions, '-l', join(dir, 'server.log'), '-w', 'start'],
      asPostgres,
    );
  } catch (error) {
    stopCluster();
    throw error;
  }
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    port,
    dir,
    adminUrl,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop: stopCluster,
  };
}
