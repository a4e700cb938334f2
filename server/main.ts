import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { runAuditCommand } from './audit/audit-cli.js';
import { databaseTargetFromUrl } from './db/database.js';
import { defaultServerDataDir, sqliteFileIn } from './data-dir.js';
import { keySourceFor, KEY_ENV } from './secrets/key-source.js';
import { runSecretsCommand } from './secrets/secrets-cli.js';
import { startServer } from './start.js';

const DEFAULT_PORT = 7700;
const ANCHOR_ENV = 'CLIENTELE_AUDIT_ANCHOR_FILE';

const USAGE = `Usage: npm run server -- [--data-dir DIR] [--port N] [--host ADDRESS] [--trust-proxy] [--secret-key-file PATH]
                                   [--audit-anchor-file PATH]
       npm run server -- audit verify [--data-dir DIR] [--anchors FILE] [--json]
       npm run server -- secrets status|rotate|generate-key [--help]

  --data-dir DIR   where the embedded SQLite file lives (default: $CLIENTELE_SERVER_DATA_DIR
                   or the OS app-data folder, "Clientele Server")
  --port N         port to listen on (default: $PORT or ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDRESS   address to listen on (default: 127.0.0.1)
  --trust-proxy    behind a TLS-terminating proxy: honour X-Forwarded-Proto and -For
  --secret-key-file PATH   the server secret key (base64), instead of $${KEY_ENV}; on SQLite
                   with neither, the data dir's server-secret.key (made on the first start)
  --audit-anchor-file PATH   also append the audit log's signed head anchors here (default: $${ANCHOR_ENV};
                   on SQLite the data dir's audit-anchors.jsonl; they always go to the log as "auditAnchor").
                   Keep them off this machine: "audit verify --anchors" detects a log cut short or rewritten.
  DATABASE_URL=postgres://user@host:port/db   use PostgreSQL instead of SQLite
`;

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function main(): Promise<void> {
  if (process.argv[2] === 'audit') {
    const result = await runAuditCommand(process.argv.slice(3), process.env);
    out(result.stdout);
    process.exitCode = result.exitCode;
    return;
  }
  if (process.argv[2] === 'secrets') {
    const result = await runSecretsCommand(process.argv.slice(3), process.env);
    out(result.stdout);
    if (result.stderr) process.stderr.write(`${result.stderr}\n`);
    process.exitCode = result.exitCode;
    return;
  }
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'trust-proxy': { type: 'boolean' },
      'secret-key-file': { type: 'string' },
      'audit-anchor-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    out(USAGE);
    return;
  }
  const port = Number(values.port ?? process.env.PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`Not a port: ${values.port ?? process.env.PORT}`);
  const dataDir = values['data-dir'] ?? defaultServerDataDir();
  const database = databaseTargetFromUrl(process.env.DATABASE_URL, sqliteFileIn(dataDir));
  const auditAnchorFile =
    values['audit-anchor-file'] ??
    process.env[ANCHOR_ENV] ??
    (database.kind === 'sqlite' ? join(dirname(database.file), 'audit-anchors.jsonl') : undefined);

  const server = await startServer({
    database,
    host: values.host ?? '127.0.0.1',
    port,
    trustProxy: values['trust-proxy'] ?? false,
    secretKey: keySourceFor({ env: process.env, keyFile: values['secret-key-file'], database }),
    logger: { level: process.env.LOG_LEVEL ?? 'info' },
    ...(auditAnchorFile === undefined ? {} : { auditAnchorFile }),
  });
  // One write, so whoever reads stdout gets the URL and the link together.
  const lines = [
    `Clientele team server on ${server.url} (${database.kind === 'sqlite' ? database.file : 'PostgreSQL'})`,
    `Workspace key fingerprint (desktops pin it at enrollment): ${server.workspaceFingerprint}`,
    `Server secret key id: ${server.secretKeyId}`,
    `Audit log head anchors: the log ("auditAnchor")${auditAnchorFile ? ` and ${auditAnchorFile}` : ''}`,
    ...server.secretKeyNotices,
  ];
  if (server.bootstrapLink) {
    const expires = new Date(server.bootstrapExpiresAt ?? 0).toISOString();
    lines.push(`No admin yet. Open this one-time link to create the first admin (valid until ${expires}):`);
    lines.push(`  ${server.bootstrapLink}`);
  }
  out(lines.join('\n'));

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`clientele server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
