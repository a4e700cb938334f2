import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { issueBootstrapToken } from './auth/bootstrap.js';
import { systemClock, type Clock } from './clock.js';
import { makeServerContext } from './context.js';
import { openDatabase, type DatabaseTarget } from './db/database.js';
import { migrate } from './db/migrator.js';
import { startGrantSweeper } from './grants/grant-sweeper.js';
import { buildServer } from './http/app.js';
import { workspaceOf } from './rbac/workspace.js';

export type StartOptions = {
  database: DatabaseTarget;
  host: string;
  /** 0 picks a free port. */
  port: number;
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  trustProxy?: boolean;
};

export type RunningServer = {
  app: FastifyInstance;
  url: string;
  /** The one-time admin setup link, when no admin exists yet. */
  bootstrapLink: string | undefined;
  bootstrapExpiresAt: number | undefined;
  /** The workspace key's RFC 7638 thumbprint: what desktops pin, for the admin to publish. */
  workspaceFingerprint: string;
  close(): Promise<void>;
};

/** Opens the database, migrates it, issues a setup link while there is no admin, and listens. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const database = openDatabase(options.database);
  try {
    await migrate(database.db, database.kind, clock.now);
    const context = await makeServerContext(database.db, database.kind, clock);
    // The workspace and its key pair are made on the first start, before any desktop asks for them.
    const workspace = await workspaceOf(database.db, clock.now);
    const app = buildServer(context, { logger: options.logger ?? false, trustProxy: options.trustProxy ?? false });
    await app.listen({ host: options.host, port: options.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
    const bootstrap = await issueBootstrapToken(database.db, clock.now());
    const stopSweeper = startGrantSweeper(database.db, clock, app.log);
    return {
      app,
      url,
      bootstrapLink: bootstrap ? `${url}/setup#token=${bootstrap.token}` : undefined,
      bootstrapExpiresAt: bootstrap?.expiresAt,
      workspaceFingerprint: workspace.info.fingerprint,
      close: async () => {
        await stopSweeper();
        await app.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
