import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoleView } from '../../common/api/server-admin.js';
import { recordAudit } from '../../server/audit/audit-log.js';
import type { DatabaseTarget } from '../../server/db/database.js';
import { fetchPolicy, makeWorkspace, must, PASSWORD, send, type Workspace } from '../harness/server-workspace.js';
import {
  bearer,
  DatabaseFactory,
  ManualClock,
  startInstance,
  type DatabaseBackend,
  type ServerInstance,
} from '../harness/team-server.js';

// The caller of each request (session, user, 2FA, roles, grants, policy row) is read from the
// database by one statement per request (server/auth/caller-query.ts); no instance keeps any of it.
// So whatever one instance commits decides the very next request on another, with no delay: a
// revoked session, a disabled account, a narrowed role. And on SQLite the read never runs inside a
// transaction another request has open on the shared connection. Each instance may keep rows it
// read, but only while the database says nothing they hold has changed (SQLite's own counters; on
// PostgreSQL the auth_epoch counter of migration 0011, checked by one round trip per batch).

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('the caller read on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  let clock: ManualClock;
  let a: ServerInstance;
  let b: ServerInstance;
  let target: DatabaseTarget;
  let ws: Workspace;

  beforeEach(async () => {
    clock = new ManualClock();
    target = await factory.fresh();
    a = await startInstance(target, clock);
    b = await startInstance(target, clock);
    ws = await makeWorkspace(a, clock);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });
  afterAll(() => factory.dispose());

  const policyStatus = async (instance: ServerInstance, token: string, etag?: string) =>
    (
      await instance.app.inject({
        method: 'GET',
        url: '/api/policy',
        headers: { ...bearer(token), ...(etag ? { 'if-none-match': etag } : {}) },
      })
    ).statusCode;

  it('refuses a session logged out on another instance on the very next request (no clock moved)', async () => {
    const first = await fetchPolicy(b.app, ws.rep.token);
    expect(first.status).toBe(200);
    // Warm: the same caller read, hit and miss, many times on b.
    for (let i = 0; i < 5; i++) {
      expect(await policyStatus(b, ws.rep.token, first.etag)).toBe(304);
      expect(await policyStatus(b, ws.rep.token)).toBe(200);
    }
    const out = await a.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(ws.rep.token) });
    expect(out.json()).toMatchObject({ value: { revoked: true } });
    expect(await policyStatus(b, ws.rep.token, first.etag)).toBe(401);
    expect(await policyStatus(b, ws.rep.token)).toBe(401);
  });

  it('sends the security headers on 200, 304, 401 and 403 alike (set before anything answers)', async () => {
    const first = await fetchPolicy(b.app, ws.rep.token);
    const answers = [
      await b.app.inject({ method: 'GET', url: '/api/policy', headers: bearer(ws.rep.token) }),
      await b.app.inject({
        method: 'GET',
        url: '/api/policy',
        headers: { ...bearer(ws.rep.token), 'if-none-match': first.etag },
      }),
      await b.app.inject({ method: 'GET', url: '/api/policy', headers: bearer('not-a-session') }),
      await b.app.inject({ method: 'GET', url: '/api/admin/users', headers: bearer(ws.rep.token) }),
    ];
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 304, 401, 403]);
    for (const answer of answers) {
      expect(answer.headers).toMatchObject({
        'content-security-policy': expect.stringContaining("default-src 'none'"),
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      });
    }
  });

  it('refuses a disabled account and a session revoked by an admin at once on the other instance', async () => {
    expect(await policyStatus(b, ws.rep.token)).toBe(200);
    expect(await policyStatus(b, ws.manager.token)).toBe(200);
    // Disabled behind the server's back (no session revoked): the read itself refuses it.
    await a.context.db.updateTable('users').set({ disabled_at: clock.now() }).where('id', '=', ws.rep.id).execute();
    expect(await policyStatus(b, ws.rep.token)).toBe(401);

    const sessions = await must<{ id: string }[]>(
      a.app,
      'GET',
      `/api/admin/users/${ws.manager.id}/sessions`,
      ws.admin.token,
    );
    for (const session of sessions) await must(a.app, 'DELETE', `/api/admin/sessions/${session.id}`, ws.admin.token);
    expect(await policyStatus(b, ws.manager.token)).toBe(401);
  });

  it('sees writes made behind its back, through its own connection or another, on the next request', async () => {
    const first = await fetchPolicy(b.app, ws.rep.token);
    for (let i = 0; i < 3; i++) expect(await policyStatus(b, ws.rep.token, first.etag)).toBe(304);
    // A role's stored text edited by hand through b's own connection (SQLite: counted by total_changes).
    const salesRep = ws.roles['Sales rep']!;
    await b.context.db.updateTable('roles').set({ email_visibility: 'metadata' }).where('id', '=', salesRep).execute();
    expect(await policyStatus(b, ws.rep.token, first.etag)).toBe(200);
    const second = await fetchPolicy(b.app, ws.rep.token);
    expect(second.document).toMatchObject({ version: first.document!.version + 1, emailVisibility: 'metadata' });
    for (let i = 0; i < 3; i++) expect(await policyStatus(b, ws.rep.token, second.etag)).toBe(304);
    // And through the other instance's connection (SQLite: PRAGMA data_version moves).
    await a.context.db.updateTable('roles').set({ email_visibility: 'subject' }).where('id', '=', salesRep).execute();
    expect(await policyStatus(b, ws.rep.token, second.etag)).toBe(200);
    // A session revoked by hand through b's own connection.
    await b.context.db
      .updateTable('sessions')
      .set({ revoked_at: clock.now() })
      .where('user_id', '=', ws.rep.id)
      .execute();
    expect(await policyStatus(b, ws.rep.token)).toBe(401);
  });

  it('follows a role narrowed on another instance in the next policy and the next authorization', async () => {
    // The manager may list users (users:view at 'team') through b.
    expect((await send(b.app, 'GET', '/api/admin/users', ws.manager.token)).status).toBe(200);
    const before = await fetchPolicy(b.app, ws.manager.token);
    expect(before.document!.permissions.users?.view).toBe('team');

    const manager = (await must<RoleView[]>(a.app, 'GET', '/api/admin/roles', ws.admin.token)).find(
      (role) => role.name === 'Sales manager',
    )!;
    const { users: _users, ...withoutUsers } = manager.permissions;
    await must(a.app, 'PUT', `/api/admin/roles/${manager.id}`, ws.admin.token, { permissions: withoutUsers });

    // The old ETag is no longer good, the new policy lacks the right, and b refuses the route.
    expect(await policyStatus(b, ws.manager.token, before.etag)).toBe(200);
    const after = await fetchPolicy(b.app, ws.manager.token);
    expect(after.document!.version).toBe(before.document!.version + 1);
    expect(after.document!.permissions.users).toBeUndefined();
    expect((await send(b.app, 'GET', '/api/admin/users', ws.manager.token)).status).toBe(403);
  });

  it('answers concurrent requests of many users (read together on PostgreSQL) each with its own caller', async () => {
    const people = [ws.rep, ws.manager, ws.otherManager, ws.admin];
    const expected = new Map<string, string>();
    for (const person of people) {
      const policy = await fetchPolicy(b.app, person.token);
      expected.set(person.token, policy.etag);
    }
    const revoked = await ws.person('leaver', ['Sales rep']);
    await a.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(revoked.token) });
    const requests = Array.from({ length: 60 }, (_, i) => {
      const who = i % 5 === 4 ? revoked : people[i % 4]!;
      const withEtag = i % 2 === 0;
      return b.app
        .inject({
          method: 'GET',
          url: '/api/policy',
          headers: { ...bearer(who.token), ...(withEtag ? { 'if-none-match': expected.get(who.token) ?? '' } : {}) },
        })
        .then((response) => ({ who, withEtag, response }));
    });
    for (const { who, withEtag, response } of await Promise.all(requests)) {
      if (who === revoked) {
        expect(response.statusCode).toBe(401);
        continue;
      }
      expect(response.statusCode).toBe(withEtag ? 304 : 200);
      expect(response.headers.etag).toBe(expected.get(who.token));
    }
  });

  it('accepts a session another instance kept alive past the expiry it read, and refuses it once it lapses', async () => {
    const day = 24 * 60 * 60 * 1000;
    // A route that writes nothing (a policy fetch may sign a new copy, which moves every kept row).
    const sessionStatus = async (instance: ServerInstance) =>
      (await instance.app.inject({ method: 'GET', url: '/api/auth/session', headers: bearer(ws.rep.token) }))
        .statusCode;
    expect(await sessionStatus(b)).toBe(200);
    expect(await sessionStatus(b)).toBe(200);
    // Used every day on a only: each use slides the expiry (idle 14 days), which b's kept row predates.
    for (let i = 0; i < 20; i++) {
      clock.advance(day);
      expect(await sessionStatus(a)).toBe(200);
    }
    expect(await sessionStatus(b)).toBe(200);
    // Idle past 14 days: refused on both, whatever either read before.
    clock.advance(15 * day);
    expect(await sessionStatus(b)).toBe(401);
    expect(await sessionStatus(a)).toBe(401);
  });

  it('waits for a transaction open on the connection and never reads its uncommitted writes', async () => {
    expect(await policyStatus(a, ws.rep.token)).toBe(200);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let fetched: Promise<number> | undefined;
    // A transaction on a's own connection revokes the rep's session, lets a request in, then rolls back.
    const rolledBack = a.context.db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('sessions').set({ revoked_at: clock.now() }).where('user_id', '=', ws.rep.id).execute();
        if (backend === 'sqlite') await sql`SELECT 1`.execute(trx);
        fetched = policyStatus(a, ws.rep.token);
        await gate;
        throw new Error('roll back');
      })
      .catch((error: unknown) => (error as Error).message);
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    expect(await rolledBack).toBe('roll back');
    // It saw the committed state: the revocation never happened.
    expect(await fetched).toBe(200);
  });
});

describe('the auth_epoch counter on PostgreSQL (migration 0011)', () => {
  const factory = new DatabaseFactory('postgres');
  let clock: ManualClock;
  let a: ServerInstance;
  let ws: Workspace;

  beforeEach(async () => {
    clock = new ManualClock();
    a = await startInstance(await factory.fresh(), clock);
    ws = await makeWorkspace(a, clock);
  });
  afterEach(() => a.close());
  afterAll(() => factory.dispose());

  const counter = async () =>
    Number((await sql<{ n: string }>`SELECT n FROM auth_epoch WHERE singleton = 1`.execute(a.context.db)).rows[0]!.n);
  const moves = async (statement: string) => {
    const before = await counter();
    await sql.raw(statement).execute(a.context.db);
    return (await counter()) > before;
  };

  it('moves with every statement that can change what the caller read returns, even one that changes no row', async () => {
    const moving = [
      'UPDATE sessions SET revoked_at = revoked_at WHERE false',
      'UPDATE sessions SET user_id = user_id, token_hash = token_hash WHERE false',
      'DELETE FROM sessions WHERE false',
      'UPDATE users SET disabled_at = disabled_at WHERE false',
      'UPDATE users SET email = email WHERE false',
      'DELETE FROM users WHERE false',
      'INSERT INTO user_totp SELECT * FROM user_totp WHERE false',
      'UPDATE user_totp SET enabled_at = enabled_at WHERE false',
      'DELETE FROM user_totp WHERE false',
    ];
    const aColumn = { roles: 'name', user_roles: 'role_id', access_grants: 'status', policy_versions: 'version' };
    for (const [table, column] of Object.entries(aColumn)) {
      moving.push(
        `INSERT INTO ${table} SELECT * FROM ${table} WHERE false`,
        `UPDATE ${table} SET ${column} = ${column} WHERE false`,
        `DELETE FROM ${table} WHERE false`,
      );
    }
    for (const statement of moving) expect(await moves(statement), statement).toBe(true);
    // Rolled back, it never moved.
    const before = await counter();
    await a.context.db
      .transaction()
      .execute(async (trx) => {
        await sql`UPDATE roles SET name = name`.execute(trx);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await counter()).toBe(before);
  });

  it('takes the audit lock before the counter, so a change recorded before it is made cannot deadlock with one recorded after', async () => {
    const roleId = ws.roles['Sales rep']!;
    const otherUser = await ws.person('newcomer', []);
    let auditHeld!: () => void;
    const held = new Promise<void>((resolve) => (auditHeld = resolve));
    // As an SSO sign-in does: the audit entry first (its lock), then the role (the counter).
    const auditFirst = a.context.db.transaction().execute(async (trx) => {
      await recordAudit(trx, { action: 'test.audit_first', actorUserId: null, at: clock.now(), target: 'user:x' });
      auditHeld();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await trx
        .insertInto('user_roles')
        .values({ user_id: otherUser.id, role_id: roleId, assigned_at: clock.now() })
        .execute();
    });
    await held;
    // As the admin routes do: the change first (the counter), then its audit entry.
    const changeFirst = a.context.db.transaction().execute(async (trx) => {
      await trx.updateTable('roles').set({ updated_at: clock.now() }).where('id', '=', roleId).execute();
      await recordAudit(trx, { action: 'test.change_first', actorUserId: null, at: clock.now(), target: 'role:x' });
    });
    // Both commit (PostgreSQL would abort one with a deadlock after a second were the order not fixed).
    await expect(Promise.all([auditFirst, changeFirst])).resolves.toBeDefined();
  });

  it("stays put for a session's touch, a login and a 2FA code's step: kept rows outlive them", async () => {
    const still = [
      'UPDATE sessions SET last_seen_at = last_seen_at, expires_at = expires_at WHERE false',
      'UPDATE user_totp SET last_time_step = last_time_step WHERE false',
      'INSERT INTO users SELECT * FROM users WHERE false',
    ];
    for (const statement of still) expect(await moves(statement), statement).toBe(false);
    // The rep's first policy (its policy_versions row moves the counter, as it should).
    expect((await fetchPolicy(a.app, ws.rep.token)).status).toBe(200);
    const before = await counter();
    // A touch: the first request more than a minute after the last.
    clock.advance(2 * 60 * 1000);
    expect((await fetchPolicy(a.app, ws.rep.token)).status).toBe(200);
    const touched = await a.context.db
      .selectFrom('sessions')
      .select('last_seen_at')
      .where('user_id', '=', ws.rep.id)
      .executeTakeFirstOrThrow();
    expect(touched.last_seen_at).toBe(clock.now());
    // A login: a new session.
    const login = await a.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'rep@example.com', password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    expect(await counter()).toBe(before);
  });
});
