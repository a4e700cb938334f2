import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { issueBootstrapToken } from './auth/bootstrap.js';
import { systemClock, type Clock } from './clock.js';
import { makeServerContext } from './context.js';
import { openDatabase, type DatabaseTarget } from './db/database.js';
import { migrate } from './db/migrator.js';
import { startAuditAnchorer } from './audit/audit-anchorer.js';
import { startGrantSweeper } from './grants/grant-sweeper.js';
import { buildServer } from './http/app.js';
import { workspaceOf } from './rbac/workspace.js';
import { keySourceFor, type KeySource } from './secrets/key-source.js';
import { loadServerSecrets } from './secrets/load-secrets.js';

export type StartOptions = {
  database: DatabaseTarget;
  host: string;
  /** 0 picks a free port. */
  port: number;
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  trustProxy?: boolean;
  /** The built admin UI (default: out/server/admin-ui of this checkout). */
  adminUiDir?: string;
  /**
   * Where the server secret key comes from (main.ts: the environment or --secret-key-file).
   * Default: on SQLite the data-dir key file (made on the first start); PostgreSQL refuses to start.
   */
  secretKey?: KeySource;
  /** Also append the audit log's signed head anchors to this file (they always go to the log stream). */
  auditAnchorFile?: string;
};

export type RunningServer = {
  app: FastifyInstance;
  url: string;
  /** The one-time admin setup link (the admin UI's set-up page, token in the fragment), when no admin exists yet. */
  bootstrapLink: string | undefined;
  bootstrapExpiresAt: number | undefined;
  /** The workspace key's RFC 7638 thumbprint: what desktops pin, for the admin to publish. */
  workspaceFingerprint: string;
  /** The id of the server secret key in use (not secret: derived from the key one-way). */
  secretKeyId: string;
  /** What the admin should know about the key: a key file made, an interrupted rotation finished... */
  secretKeyNotices: string[];
  /** Anchors the audit log's head now, if it moved (the server does it every 15 minutes and at close). */
  anchorAuditHead(): Promise<void>;
  close(): Promise<void>;
};

/**
 * Checks the server secret key against the database, migrates it (sealing what an older version
 * left in clear), opens the workspace key, issues a setup link while there is no admin, and listens.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  // Before the database is opened: PostgreSQL without a key fails without touching it.
  const source = options.secretKey ?? keySourceFor({ env: {}, database: options.database });
  const database = openDatabase(options.database);
  try {
    const { secrets, notices } = await loadServerSecrets(database.db, source);
    await migrate(database.db, database.kind, clock.now, undefined, { secrets });
    const context = await makeServerContext(database.db, database.kind, clock, secrets, database.raw);
    // The workspace and its key pair are made on the first start, before any desktop asks for them;
    // a key that does not open stops the start here.
    const workspace = await workspaceOf(context);
    const app = buildServer(context, {
      logger: options.logger ?? false,
      trustProxy: options.trustProxy ?? false,
      ...(options.adminUiDir === undefined ? {} : { adminUiDir: options.adminUiDir }),
    });
    await app.listen({ host: options.host, port: options.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
    const bootstrap = await issueBootstrapToken(database.db, clock.now());
    const stopSweeper = startGrantSweeper(database.db, clock, app.log);
    const anchorer = startAuditAnchorer({
      db: database.db,
      workspace,
      clock,
      log: app.log,
      ...(options.auditAnchorFile === undefined ? {} : { file: options.auditAnchorFile }),
    });
    return {
      app,
      url,
      bootstrapLink: bootstrap ? `${url}/admin/setup#token=${bootstrap.token}` : undefined,
      bootstrapExpiresAt: bootstrap?.expiresAt,
      workspaceFingerprint: workspace.info.fingerprint,
      secretKeyId: secrets.keyId,
      secretKeyNotices: notices,
      anchorAuditHead: () => anchorer.anchorNow(),
      close: async () => {
        await stopSweeper();
        // Before the listener closes: the last anchor covers everything this instance recorded.
        await anchorer.stop();
        await app.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
