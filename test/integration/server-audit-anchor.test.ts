import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompactSign, generateKeyPair } from 'jose';
import { sql, type Kysely } from 'kysely';
import pino from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signAuditAnchor } from '../../server/audit/audit-anchor.js';
import { startAuditAnchorer, type AuditAnchorer } from '../../server/audit/audit-anchorer.js';
import { runAuditCommand } from '../../server/audit/audit-cli.js';
import { recordAudit } from '../../server/audit/audit-log.js';
import { sqliteFileIn } from '../../server/data-dir.js';
import type { DatabaseTarget } from '../../server/db/database.js';
import type { ServerDatabase } from '../../server/db/schema.js';
import { workspaceOf, type Workspace } from '../../server/rbac/workspace.js';
import { startServer } from '../../server/start.js';
import {
  DatabaseFactory,
  ManualClock,
  startInstance,
  type DatabaseBackend,
  type ServerInstance,
} from '../harness/team-server.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Anchors of the audit log's head kept outside the database (server/audit/audit-anchor.ts): the
// chain alone cannot show the newest entries deleted, or the tail rewritten with recomputed hashes;
// `audit verify --anchors` does, on SQLite and PostgreSQL. An anchor not signed by the workspace key
// is refused.

const temp = makeTempDir('clientele-anchor-');
afterAll(() => temp.remove());

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('audit head anchors on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  let clock: ManualClock;
  let target: DatabaseTarget;
  let server: ServerInstance;
  let db: Kysely<ServerDatabase>;
  let workspace: Workspace;
  let anchorFile: string;
  let logLines: string[];
  let anchorer: AuditAnchorer;
  let cliArgs: string[];
  let cliEnv: NodeJS.ProcessEnv;

  beforeEach(async () => {
    clock = new ManualClock();
    if (backend === 'sqlite') {
      // The CLI finds SQLite as <data-dir>/server.db, as the server does.
      const dataDir = join(temp.path, `data-${Math.random().toString(36).slice(2)}`);
      target = { kind: 'sqlite', file: sqliteFileIn(dataDir) };
      cliArgs = ['--data-dir', dataDir];
      cliEnv = {};
    } else {
      const fresh = await factory.fresh();
      if (fresh.kind !== 'postgres') throw new Error('expected a PostgreSQL database');
      target = fresh;
      cliArgs = [];
      cliEnv = { DATABASE_URL: fresh.url };
    }
    server = await startInstance(target, clock);
    db = server.context.db;
    workspace = await workspaceOf(server.context);
    anchorFile = join(temp.path, `anchors-${Math.random().toString(36).slice(2)}.jsonl`);
    logLines = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
    anchorer = startAuditAnchorer({ db, workspace, clock, log, file: anchorFile, intervalMs: 3_600_000 });
  });
  afterEach(async () => {
    await anchorer.stop();
    await server.close();
  });
  afterAll(() => factory.dispose());

  async function append(count: number): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      clock.advance(1000);
      await recordAudit(db, { action: 'test.event', actorUserId: null, at: clock.now(), details: { i } });
    }
  }

  const verify = async (anchors: string) => {
    const result = await runAuditCommand(['verify', '--json', '--anchors', anchors, ...cliArgs], cliEnv);
    return { exitCode: result.exitCode, report: JSON.parse(result.stdout) as Record<string, unknown> };
  };

  /** What an attacker with database access does first (the triggers refuse UPDATE and DELETE). */
  async function dropTriggers(): Promise<void> {
    if (backend === 'postgres') {
      await sql`DROP TRIGGER audit_log_no_update_delete ON audit_log`.execute(db);
    } else {
      await sql`DROP TRIGGER audit_log_no_update`.execute(db);
      await sql`DROP TRIGGER audit_log_no_delete`.execute(db);
    }
  }

  it('anchors the head only when it moved, to the file and the log stream, and an intact log verifies', async () => {
    await anchorer.anchorNow();
    expect(readFileOrEmpty(anchorFile)).toBe(''); // an empty log has no head to anchor
    await append(3);
    await anchorer.anchorNow();
    await anchorer.anchorNow(); // nothing new: no second anchor
    await append(2);
    await anchorer.anchorNow();
    const lines = readFileSync(anchorFile, 'utf8').trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([3, 5]);
    const logged = logLines.filter((line) => line.includes('"auditAnchor"'));
    expect(logged).toHaveLength(2);

    const fromFile = await verify(anchorFile);
    expect(fromFile.exitCode).toBe(0);
    expect(fromFile.report).toMatchObject({
      ok: true,
      entries: 5,
      anchorCheck: { ok: true, anchors: 2, latest: { seq: 5 }, keyFingerprint: workspace.info.fingerprint },
    });
    // The server's own JSON log, as a log shipper keeps it, works as an anchor file too.
    const logCopy = join(temp.path, `log-${Math.random().toString(36).slice(2)}.jsonl`);
    writeFileSync(logCopy, logLines.join(''));
    expect((await verify(logCopy)).report).toMatchObject({ ok: true, anchorCheck: { ok: true, anchors: 2 } });
    const words = await runAuditCommand(['verify', '--anchors', anchorFile, ...cliArgs], cliEnv);
    expect(words.stdout).toContain('2 anchors match (the newest: entry #5');
  });

  it('finds the newest entries deleted, which the chain alone cannot', async () => {
    await append(5);
    await anchorer.anchorNow();
    await dropTriggers();
    await sql`DELETE FROM audit_log WHERE seq > 3`.execute(db);

    const chainOnly = await runAuditCommand(['verify', '--json', ...cliArgs], cliEnv);
    expect(chainOnly.exitCode).toBe(0); // a shorter chain is still a valid chain
    const anchored = await verify(anchorFile);
    expect(anchored.exitCode).toBe(1);
    expect(anchored.report).toMatchObject({ anchorCheck: { ok: false, problem: { kind: 'truncated', seq: 5 } } });
  });

  it('finds a tail rewritten with recomputed hashes', async () => {
    await append(4);
    await anchorer.anchorNow();
    await dropTriggers();
    // Entries 3 and 4 replaced by others, chained properly by the log's own append.
    await sql`DELETE FROM audit_log WHERE seq > 2`.execute(db);
    await recordAudit(db, { action: 'test.innocent', actorUserId: null, at: clock.now(), details: {} });
    await recordAudit(db, { action: 'test.innocent', actorUserId: null, at: clock.now(), details: {} });

    expect((await runAuditCommand(['verify', ...cliArgs], cliEnv)).exitCode).toBe(0);
    const anchored = await verify(anchorFile);
    expect(anchored.exitCode).toBe(1);
    expect(anchored.report).toMatchObject({
      anchorCheck: { ok: false, problem: { kind: 'anchor_mismatch', seq: 4 } },
    });
    const words = await runAuditCommand(['verify', '--anchors', anchorFile, ...cliArgs], cliEnv);
    expect(words.stdout).toContain('TAMPERED at entry #4 (anchor_mismatch)');
  });

  it('refuses an anchor signed by another key, or one that is not an anchor', async () => {
    await append(2);
    await anchorer.anchorNow();
    // Forged: the right workspace id, another key (as someone who rewrote the log would sign).
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await signAuditAnchor({ ...workspace, privateKey }, { seq: 2, hash: 'a'.repeat(64) }, clock.now());
    appendFileSync(anchorFile, `${JSON.stringify({ jws: forged })}\n`);
    const refused = await verify(anchorFile);
    expect(refused.exitCode).toBe(1);
    expect(refused.report).toMatchObject({ anchorCheck: { ok: false, problem: { kind: 'bad_anchor' } } });
    expect(JSON.stringify(refused.report)).toContain("signature is not the workspace key's");

    // A policy signed by the very workspace key is not an anchor (its own JWS type).
    const policyFile = join(temp.path, `policy-${Math.random().toString(36).slice(2)}.jsonl`);
    const policyLike = await new CompactSign(new TextEncoder().encode('{}'))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'clientele-policy+jws' })
      .sign(workspace.privateKey);
    writeFileSync(policyFile, `${policyLike}\n`);
    expect((await verify(policyFile)).report).toMatchObject({
      anchorCheck: {
        ok: false,
        problem: { kind: 'bad_anchor', message: expect.stringContaining('not an audit anchor') },
      },
    });
  });
});

describe('the running server', () => {
  it('anchors the head at close into the file it is given, and that file verifies the log', async () => {
    const dataDir = join(temp.path, 'server-data');
    const anchorFile = join(temp.path, 'server-anchors.jsonl');
    const server = await startServer({
      database: { kind: 'sqlite', file: sqliteFileIn(dataDir) },
      host: '127.0.0.1',
      port: 0,
      auditAnchorFile: anchorFile,
    });
    // A failed login is recorded in the audit log.
    const response = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nobody@example.com', password: 'not the password at all' }),
    });
    expect(response.status).toBe(401);
    await server.close();
    const [line] = readFileSync(anchorFile, 'utf8').trim().split('\n');
    expect(JSON.parse(line!)).toMatchObject({ seq: 1 });
    const verified = await runAuditCommand(['verify', '--anchors', anchorFile, '--data-dir', dataDir], {});
    expect(verified.exitCode).toBe(0);
    expect(verified.stdout).toContain('1 anchors match');
  });
});

function readFileOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
