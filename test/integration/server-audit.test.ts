import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEntryHash } from '../../server/audit/audit-hash.js';
import { runAuditCommand } from '../../server/audit/audit-cli.js';
import { entryFromRow, recordAudit } from '../../server/audit/audit-log.js';
import { verifyAuditChain } from '../../server/audit/verify-chain.js';
import { issueBootstrapToken } from '../../server/auth/bootstrap.js';
import { sqliteFileIn } from '../../server/data-dir.js';
import type { DatabaseTarget } from '../../server/db/database.js';
import type { ServerDatabase } from '../../server/db/schema.js';
import {
  bearer,
  DatabaseFactory,
  ManualClock,
  post,
  startInstance,
  type DatabaseBackend,
  type ServerInstance,
} from '../harness/team-server.js';

// The audit log on both databases: what the server records about sign-ins, that the database
// refuses to rewrite it, that `audit verify` names the first tampered entry whichever way an attacker
// with database access went about it, that two instances appending at once never fork the chain,
// and the desktop's upload endpoint (actor from the session, a retried batch stored once).

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APPEND_CHILD = join(ROOT, 'test/harness/audit-append-child.mjs');

/** The child runs the compiled server code (npm test builds first): refuse a build older than the source. */
function assertServerBuildIsCurrent(): void {
  for (const module of ['audit/audit-log', 'audit/audit-hash', 'db/database']) {
    const built = join(ROOT, 'out/server', `${module}.js`);
    const source = join(ROOT, 'server', `${module}.ts`);
    let builtAt = 0;
    try {
      builtAt = statSync(built).mtimeMs;
    } catch {
      // missing: reported below
    }
    if (builtAt < statSync(source).mtimeMs) throw new Error(`${built} is missing or stale: run \`npx tsc -b\``);
  }
}

const ADMIN_EMAIL = 'ada@example.com';
const ADMIN_PASSWORD = 'a long passphrase nobody guesses';

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('the audit log on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  let clock: ManualClock;
  let target: DatabaseTarget;
  let server: ServerInstance;
  let db: Kysely<ServerDatabase>;
  const extra: ServerInstance[] = [];

  beforeEach(async () => {
    clock = new ManualClock();
    target = await factory.fresh();
    server = await startInstance(target, clock);
    db = server.context.db;
  });
  afterEach(async () => {
    for (const instance of extra.splice(0)) await instance.close();
    await server.close();
  });
  afterAll(() => factory.dispose());
  assertServerBuildIsCurrent();

  async function bootstrapAdmin(): Promise<string> {
    const issued = await issueBootstrapToken(db, clock.now());
    const { body } = await post(server.app, '/api/auth/bootstrap', {
      token: issued!.token,
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
    });
    return body.value.token;
  }

  async function entries() {
    return (await db.selectFrom('audit_log').selectAll().orderBy('seq').execute()).map(entryFromRow);
  }

  /** What an attacker with database access does first. */
  async function dropTriggers(): Promise<void> {
    if (backend === 'postgres') {
      await sql`DROP TRIGGER audit_log_no_update_delete ON audit_log`.execute(db);
    } else {
      await sql`DROP TRIGGER audit_log_no_update`.execute(db);
      await sql`DROP TRIGGER audit_log_no_delete`.execute(db);
    }
  }

  async function appendSome(count: number): Promise<void> {
    for (let i = 1; i <= count; i += 1) {
      clock.advance(1000);
      await recordAudit(db, { action: 'test.event', actorUserId: null, at: clock.now(), details: { i } });
    }
  }

  it('records bootstrap, logins (failed ones with the email tried, never the password), logout and revocation', async () => {
    const adminToken = await bootstrapAdmin();
    const wrong = await post(server.app, '/api/auth/login', { email: 'ADA@example.com ', password: 'guess-123' });
    expect(wrong.response.statusCode).toBe(401);
    await post(server.app, '/api/auth/login', { email: 'nobody@example.com', password: 'whatever-1' });
    const login = await post(server.app, '/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    const secondToken = login.body.value.token;
    const revoke = await server.app.inject({
      method: 'DELETE',
      url: `/api/admin/sessions/${login.body.value.session.id}`,
      headers: bearer(adminToken),
    });
    expect(revoke.statusCode).toBe(200);
    await post(server.app, '/api/auth/logout', {}, bearer(secondToken)); // already revoked: nothing to record
    await post(server.app, '/api/auth/logout', {}, bearer(adminToken));

    const log = await entries();
    const adminId = log[0]!.actorUserId;
    expect(log.map((entry) => [entry.seq, entry.action, entry.actorUserId, entry.source])).toEqual([
      [1, 'auth.admin_bootstrapped', adminId, 'server'],
      [2, 'auth.login_failed', adminId, 'server'],
      [3, 'auth.login_failed', null, 'server'],
      [4, 'auth.login', adminId, 'server'],
      [5, 'session.revoked', adminId, 'server'],
      [6, 'auth.logout', adminId, 'server'],
    ]);
    expect(JSON.parse(log[1]!.details)).toMatchObject({ email: 'ADA@example.com', reason: 'wrong_password' });
    expect(JSON.parse(log[2]!.details)).toMatchObject({ email: 'nobody@example.com', reason: 'unknown_account' });
    expect(log[4]!.target).toBe(`session:${login.body.value.session.id}`);
    const everything = JSON.stringify(log);
    for (const secret of [ADMIN_PASSWORD, 'guess-123', 'whatever-1', adminToken, secondToken])
      expect(everything).not.toContain(secret);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 6, headSeq: 6, headHash: log[5]!.hash });
  });

  it('refuses UPDATE and DELETE in the database itself', async () => {
    await appendSome(2);
    await expect(sql`UPDATE audit_log SET action = 'x' WHERE seq = 1`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log WHERE seq = 2`.execute(db)).rejects.toThrow(/append-only/);
    if (backend === 'postgres') await expect(sql`TRUNCATE audit_log`.execute(db)).rejects.toThrow(/append-only/);
    expect((await entries()).map((entry) => entry.action)).toEqual(['test.event', 'test.event']);
  });

  it('finds an edited entry by its hash', async () => {
    await appendSome(5);
    await dropTriggers();
    await sql`UPDATE audit_log SET details = '{"i":99}' WHERE seq = 3`.execute(db);
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      entries: 2,
      problem: { kind: 'hash_mismatch', seq: 3 },
    });
  });

  it('finds an edited entry whose hash was recomputed by the broken link after it', async () => {
    await appendSome(5);
    await dropTriggers();
    const third = (await entries())[2]!;
    const forged = { ...third, details: '{"i":99}' };
    const { hash: _old, ...fields } = forged;
    await sql`UPDATE audit_log SET details = ${forged.details}, hash = ${auditEntryHash(fields)} WHERE seq = 3`.execute(
      db,
    );
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, problem: { kind: 'broken_link', seq: 4 } });
  });

  it('finds a deleted entry, and a re-inserted one whose hash is right but whose link is not', async () => {
    await appendSome(5);
    await dropTriggers();
    await sql`DELETE FROM audit_log WHERE seq = 2`.execute(db);
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      entries: 1,
      problem: { kind: 'missing_entry', seq: 2 },
    });

    // Put a different entry 2 back, self-consistent, chained to a made-up predecessor.
    const fields = {
      seq: 2,
      at: clock.now(),
      actorUserId: null,
      source: 'server' as const,
      action: 'test.event',
      target: null,
      details: '{"i":2}',
      clientEventId: null,
      prevHash: 'f'.repeat(64),
    };
    await db
      .insertInto('audit_log')
      .values({
        seq: 2,
        at: fields.at,
        actor_user_id: null,
        source: 'server',
        action: fields.action,
        target: null,
        details: fields.details,
        client_event_id: null,
        prev_hash: fields.prevHash,
        hash: auditEntryHash(fields),
      })
      .execute();
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, problem: { kind: 'broken_link', seq: 2 } });
  });

  it('finds two entries swapped', async () => {
    await appendSome(4);
    await dropTriggers();
    // Swap the contents of 2 and 3 (through a free number, the sequence is the primary key).
    await sql`UPDATE audit_log SET seq = 1000 WHERE seq = 2`.execute(db);
    await sql`UPDATE audit_log SET seq = 2 WHERE seq = 3`.execute(db);
    await sql`UPDATE audit_log SET seq = 3 WHERE seq = 1000`.execute(db);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, problem: { kind: 'broken_link', seq: 2 } });
  });

  it('`audit verify` reports in words or JSON with exit code 0 or 1', async () => {
    // The CLI finds SQLite as <data-dir>/server.db, as the server does.
    let cliDb = db;
    let args: string[] = [];
    let env: NodeJS.ProcessEnv = {};
    if (target.kind === 'postgres') {
      env = { DATABASE_URL: target.url };
    } else {
      const dataDir = join(dirname(target.file), `cli-${randomUUID()}`);
      const instance = await startInstance({ kind: 'sqlite', file: sqliteFileIn(dataDir) }, clock);
      extra.push(instance);
      cliDb = instance.context.db;
      args = ['--data-dir', dataDir];
    }
    for (let i = 1; i <= 3; i += 1) await recordAudit(cliDb, { action: 'test.event', actorUserId: null, at: i });

    const intact = await runAuditCommand(['verify', ...args], env);
    expect(intact.exitCode).toBe(0);
    expect(intact.stdout).toMatch(/^Audit log intact: 3 entries, head #3 [0-9a-f]{64}$/);
    const intactJson = await runAuditCommand(['verify', '--json', ...args], env);
    expect(JSON.parse(intactJson.stdout)).toMatchObject({ ok: true, entries: 3, headSeq: 3 });

    db = cliDb;
    await dropTriggers();
    await sql`UPDATE audit_log SET action = 'test.other' WHERE seq = 2`.execute(cliDb);
    const tampered = await runAuditCommand(['verify', '--json', ...args], env);
    expect(tampered.exitCode).toBe(1);
    expect(JSON.parse(tampered.stdout)).toMatchObject({
      ok: false,
      entries: 1,
      problem: { kind: 'hash_mismatch', seq: 2 },
    });
    const words = await runAuditCommand(['verify', ...args], env);
    expect(words.exitCode).toBe(1);
    expect(words.stdout).toContain('TAMPERED at entry #2 (hash_mismatch)');

    expect((await runAuditCommand(['bogus'], env)).exitCode).toBe(1);
  });

  it('never forks the chain when two instances (processes) append at once', async () => {
    const location = target.kind === 'postgres' ? target.url : target.file;
    const runs = ['a', 'b'].map((label) =>
      execFileAsync(process.execPath, [APPEND_CHILD, target.kind, location, label, '25'], { encoding: 'utf8' }),
    );
    for (const run of await Promise.all(runs)) expect(run.stdout).toBe('done\n');
    const log = await entries();
    expect(log.map((entry) => entry.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const labels = log.map((entry) => (JSON.parse(entry.details) as { label: string }).label);
    expect(labels.filter((label) => label === 'a')).toHaveLength(25);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 50 });
  });

  it('appends uploaded client events as the session user, once per event id', async () => {
    const token = await bootstrapAdmin();
    const [one, two] = [randomUUID(), randomUUID()];
    const batch = {
      // A user id in the body is not a field of the upload: the actor is the session's user.
      actorUserId: 'someone-else',
      events: [
        {
          id: one,
          at: '2026-01-05T08:00:00.000Z',
          kind: 'call.forbidden',
          detail: { call: 'deals.export' },
          actorUserId: 'x',
        },
        { id: two, at: '2026-01-05T08:01:00.000Z', kind: 'policy.rejected', detail: { code: 'POLICY_EXPIRED' } },
      ],
    };
    const first = await post(server.app, '/api/audit/events', batch, bearer(token));
    expect(first.response.statusCode).toBe(200);
    expect(first.body.value).toEqual({ acknowledged: [one, two], appended: 2 });
    // The response was lost; the desktop sends the same batch again.
    const retry = await post(server.app, '/api/audit/events', batch, bearer(token));
    expect(retry.body.value).toEqual({ acknowledged: [one, two], appended: 0 });

    const client = (await entries()).filter((entry) => entry.source === 'client');
    const adminId = (await entries())[0]!.actorUserId;
    expect(client.map((entry) => [entry.action, entry.actorUserId, entry.clientEventId])).toEqual([
      ['call.forbidden', adminId, one],
      ['policy.rejected', adminId, two],
    ]);
    expect(JSON.parse(client[0]!.details)).toMatchObject({
      clientAt: '2026-01-05T08:00:00.000Z',
      detail: { call: 'deals.export' },
    });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });

    const anonymous = await post(server.app, '/api/audit/events', batch);
    expect(anonymous.response.statusCode).toBe(401);
    const invalid = await post(
      server.app,
      '/api/audit/events',
      { events: [{ id: 'not-a-uuid', at: 'x', kind: 'A' }] },
      bearer(token),
    );
    expect(invalid.response.statusCode).toBe(400);
    expect((await entries()).filter((entry) => entry.source === 'client')).toHaveLength(2);
  });
});
