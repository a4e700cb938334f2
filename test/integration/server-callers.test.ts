import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoleView } from '../../common/api/server-admin.js';
import type { DatabaseTarget } from '../../server/db/database.js';
import { fetchPolicy, makeWorkspace, must, send, type Workspace } from '../harness/server-workspace.js';
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
// transaction another request has open on the shared connection.

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
