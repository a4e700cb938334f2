import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { HealthOutput, LoginOutput } from '../../common/api/server-auth.js';
import { join } from 'node:path';
import { makeServerContext, type ServerContext } from '../../server/context.js';
import { openDatabase, type DatabaseTarget, type OpenDatabase } from '../../server/db/database.js';
import { migrate } from '../../server/db/migrator.js';
import { buildServer } from '../../server/http/app.js';
import { loadServerSecrets } from '../../server/secrets/load-secrets.js';
import { newServerKeyText } from '../../server/secrets/server-key.js';
import { makeTempDir } from './temp-dir.js';
import { startPostgres, type PostgresCluster } from './postgres.js';

export type DatabaseBackend = 'sqlite' | 'postgres';

/** A clock the test moves by hand: delays and expiries are proven without sleeping. */
export class ManualClock {
  constructor(private time = Date.UTC(2026, 0, 5, 9, 0, 0)) {}
  now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

/**
 * Fresh, empty databases for one backend: a SQLite file in a temp dir, or a new database in a
 * private PostgreSQL cluster started once for the file.
 */
export class DatabaseFactory {
  private cluster: PostgresCluster | undefined;
  private readonly temp = makeTempDir('clientele-server-test-');
  private counter = 0;

  constructor(readonly backend: DatabaseBackend) {}

  /** The PostgreSQL cluster, once a first fresh() started it (tests that read its files or dump it). */
  get postgres(): PostgresCluster | undefined {
    return this.cluster;
  }

  /** A SQLite target named server.db in a folder of its own: the layout the CLI's --data-dir expects. */
  async freshInDataDir(): Promise<{ target: DatabaseTarget; dataDir: string }> {
    this.counter += 1;
    const dataDir = join(this.temp.path, `data-${this.counter}`);
    if (this.backend === 'sqlite') return { target: { kind: 'sqlite', file: join(dataDir, 'server.db') }, dataDir };
    return { target: await this.fresh(), dataDir };
  }

  async fresh(): Promise<DatabaseTarget> {
    this.counter += 1;
    if (this.backend === 'sqlite') return { kind: 'sqlite', file: join(this.temp.path, `server-${this.counter}.db`) };
    this.cluster ??= await startPostgres();
    return { kind: 'postgres', url: await this.cluster.createDatabase(`server_test_${this.counter}`) };
  }

  dispose(): void {
    this.cluster?.stop();
    this.temp.remove();
  }
}

export type ServerInstance = {
  app: FastifyInstance;
  context: ServerContext;
  database: OpenDatabase;
  close(): Promise<void>;
};

/** The server secret key instances get unless a test gives another: one per test file. */
export const TEST_SECRET_KEY = newServerKeyText();

/**
 * One server instance on its own connection(s) to the target; several may share one database.
 * Like startServer: the key is checked against the database before it is migrated.
 */
export async function startInstance(
  target: DatabaseTarget,
  clock: ManualClock,
  options: { secretKey?: string } = {},
): Promise<ServerInstance> {
  const database = openDatabase(target);
  let context: ServerContext;
  try {
    const source = { kind: 'text', text: options.secretKey ?? TEST_SECRET_KEY, origin: 'the test key' } as const;
    const { secrets } = await loadServerSecrets(database.db, source);
    await migrate(database.db, database.kind, clock.now, undefined, { secrets });
    context = await makeServerContext(database.db, database.kind, clock, secrets, database.raw);
  } catch (error) {
    await database.close();
    throw error;
  }
  const app = buildServer(context);
  await app.ready();
  return {
    app,
    context,
    database,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/**
 * A response body as the tests read it: every field any route returns, typed loosely on purpose
 * (the assertions check the shapes; a missing field fails them).
 */
export type ApiValue = LoginOutput & HealthOutput & { revoked: boolean };
export type ApiBody = {
  ok: boolean;
  value: ApiValue;
  error?: { code: string; message: string; retryAfterMs?: number };
};

export async function post(
  app: FastifyInstance,
  url: string,
  payload: unknown,
  headers: Record<string, string> = {},
): Promise<{ response: LightMyRequestResponse; body: ApiBody }> {
  const response = await app.inject({ method: 'POST', url, payload: payload as object, headers });
  return { response, body: response.json<ApiBody>() };
}

export async function get(
  app: FastifyInstance,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ response: LightMyRequestResponse; body: ApiBody }> {
  const response = await app.inject({ method: 'GET', url, headers });
  return { response, body: response.json<ApiBody>() };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
