import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GrantView } from '../../common/api/server-grants.js';
import { scopeFor } from '../../common/rbac/evaluate.js';
import { toPolicy } from '../../common/rbac/policy.js';
import { verifyAuditChain } from '../../server/audit/verify-chain.js';
import type { DatabaseTarget } from '../../server/db/database.js';
import { approveGrant } from '../../server/grants/grant-decisions.js';
import { expireDueGrants } from '../../server/grants/grant-expiry.js';
import { grantById } from '../../server/grants/grant-queries.js';
import { rightsOf } from '../../server/rbac/caller-rights.js';
import { fetchPolicy, makeWorkspace, must, send, type Workspace } from '../harness/server-workspace.js';
import {
  DatabaseFactory,
  ManualClock,
  startInstance,
  type DatabaseBackend,
  type ServerInstance,
} from '../harness/team-server.js';

// Just-in-time grants on the team server, on SQLite and PostgreSQL: a rep asks for contact export,
// their manager approves it (for less time), the rep's signed policy carries it under a new version,
// the controlled clock runs it out, and it is gone from the next policy with `grant.expired` on the
// record once, however many instances notice. Then the refusals: denial, self-approval, an approver
// without the permission or outside the team, limits, and the audit chain at the end.

const MINUTE = 60_000;
const EXPORT_CONTACTS = { object: 'contact', action: 'export', scope: 'own' } as const;

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('just-in-time grants on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  let clock: ManualClock;
  let server: ServerInstance;
  let target: DatabaseTarget;
  let ws: Workspace;

  beforeEach(async () => {
    clock = new ManualClock();
    target = await factory.fresh();
    server = await startInstance(target, clock);
    ws = await makeWorkspace(server, clock);
  });
  afterEach(async () => server.close());
  afterAll(() => factory.dispose());

  const ask = (token: string, body: object = {}) =>
    send<GrantView>(server.app, 'POST', '/api/grants', token, {
      ...EXPORT_CONTACTS,
      minutes: 120,
      reason: 'The customer asked for the list of their contacts',
      ...body,
    });

  async function auditOf(action: string) {
    return server.context.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq').execute();
  }

  it('puts an approved grant in the signed policy under a new version until it expires, then takes it out', async () => {
    const first = await fetchPolicy(server.app, ws.rep.token);
    expect(first.document!.version).toBe(1);
    expect(first.document!.permissions.contact).not.toHaveProperty('export');

    const asked = await ask(ws.rep.token);
    expect(asked).toMatchObject({
      status: 201,
      value: { status: 'pending', requestedMinutes: 120, userId: ws.rep.id },
    });
    const id = asked.value.id;
    expect(
      (await must<GrantView[]>(server.app, 'GET', '/api/grants/pending', ws.manager.token)).map((g) => g.id),
    ).toEqual([id]);
    // Asking changes no right: the same policy, 304 to its ETag.
    expect((await fetchPolicy(server.app, ws.rep.token, first.etag)).status).toBe(304);

    // Shortened to 60 minutes, counted from the approval.
    clock.advance(5 * MINUTE);
    const approvedAt = clock.now();
    const approved = await must<GrantView>(server.app, 'POST', `/api/grants/${id}/approve`, ws.manager.token, {
      minutes: 60,
    });
    expect(approved).toMatchObject({
      status: 'approved',
      decidedBy: ws.manager.id,
      approvedMinutes: 60,
      expiresAt: new Date(approvedAt + 60 * MINUTE).toISOString(),
    });

    const granted = await fetchPolicy(server.app, ws.rep.token, first.etag);
    expect(granted.status).toBe(200);
    expect(granted.document!.version).toBe(2);
    expect(granted.document!.grants).toEqual([
      { id, object: 'contact', action: 'export', scope: 'own', expiresAt: approved.expiresAt },
    ]);
    // The desktop's evaluator honours it until its end, and not after.
    const policy = toPolicy(granted.document!);
    expect(scopeFor(policy, EXPORT_CONTACTS, approvedAt + 59 * MINUTE)).toBe('own');
    expect(scopeFor(policy, EXPORT_CONTACTS, approvedAt + 60 * MINUTE)).toBe('none');

    clock.advance(59 * MINUTE);
    expect((await fetchPolicy(server.app, ws.rep.token, granted.etag)).status).toBe(304);
    expect(await auditOf('grant.expired')).toEqual([]);

    clock.advance(MINUTE);
    const after = await fetchPolicy(server.app, ws.rep.token, granted.etag);
    expect(after.status).toBe(200);
    expect(after.document).toMatchObject({ version: 3, grants: [] });
    expect(after.document!.permissions.contact).not.toHaveProperty('export');
    const mine = await must<GrantView[]>(server.app, 'GET', '/api/grants/mine', ws.rep.token);
    expect(mine.map((g) => [g.id, g.status, g.endedAt])).toEqual([
      [id, 'expired', new Date(clock.now()).toISOString()],
    ]);

    const expired = await auditOf('grant.expired');
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ actor_user_id: null, target: `user:${ws.rep.id}` });
    expect(JSON.parse(expired[0]!.details)).toMatchObject({ grantId: id, object: 'contact', action: 'export' });
    expect((await auditOf('grant.requested')).map((row) => row.actor_user_id)).toEqual([ws.rep.id]);
    expect((await auditOf('grant.approved')).map((row) => JSON.parse(row.details) as unknown)).toEqual([
      expect.objectContaining({ grantId: id, minutes: 60, requestedMinutes: 120 }),
    ]);
    expect(await verifyAuditChain(server.context.db)).toMatchObject({ ok: true });
  });

  it('records grant.expired once when several instances notice the same expiry', async () => {
    const id = (await ask(ws.rep.token)).value.id;
    await must(server.app, 'POST', `/api/grants/${id}/approve`, ws.manager.token, {});
    const other = await startInstance(target, clock);
    try {
      clock.advance(121 * MINUTE);
      const noticing = [
        () => fetchPolicy(server.app, ws.rep.token),
        () => fetchPolicy(other.app, ws.rep.token),
        () => expireDueGrants(server.context.db, clock.now()),
        () => expireDueGrants(other.context.db, clock.now()),
        () => send(other.app, 'GET', '/api/grants/active', ws.admin.token),
      ];
      // PostgreSQL instances race for real. Two SQLite connections in one process can't (the
      // driver is synchronous: one would block the thread the other needs to commit), and several
      // SQLite instances are separate processes anyway, where the write lock serializes them.
      if (backend === 'postgres') await Promise.all(noticing.map((notice) => notice()));
      else for (const notice of noticing) await notice();
      expect(await auditOf('grant.expired')).toHaveLength(1);
      expect((await fetchPolicy(other.app, ws.rep.token)).document!.grants).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('expires a grant nobody looks at through the sweep, once', async () => {
    const id = (await ask(ws.rep.token, { minutes: 30 })).value.id;
    await must(server.app, 'POST', `/api/grants/${id}/approve`, ws.admin.token, {});
    expect(await expireDueGrants(server.context.db, clock.now())).toBe(0);
    clock.advance(30 * MINUTE);
    expect(await expireDueGrants(server.context.db, clock.now())).toBe(1);
    expect(await expireDueGrants(server.context.db, clock.now())).toBe(0);
    expect(await auditOf('grant.expired')).toHaveLength(1);
  });

  it('denies with a note; the rep may ask again; a decided request cannot be decided twice', async () => {
    const id = (await ask(ws.rep.token)).value.id;
    const denied = await must<GrantView>(server.app, 'POST', `/api/grants/${id}/deny`, ws.manager.token, {
      note: 'Ask the customer to use the portal',
    });
    expect(denied).toMatchObject({
      status: 'denied',
      decidedBy: ws.manager.id,
      note: 'Ask the customer to use the portal',
    });
    expect(await send(server.app, 'POST', `/api/grants/${id}/approve`, ws.admin.token, {})).toMatchObject({
      status: 409,
      error: { code: 'CONFLICT', message: 'This access request is denied already.' },
    });
    expect((await fetchPolicy(server.app, ws.rep.token)).document!.grants).toEqual([]);
    expect((await ask(ws.rep.token)).status).toBe(201);
    expect(JSON.parse((await auditOf('grant.denied'))[0]!.details)).toMatchObject({
      grantId: id,
      note: 'Ask the customer to use the portal',
    });
  });

  it('refuses self-approval, approvers outside the team or without the permission, and non-approvers', async () => {
    // The manager asks for users:edit over the whole workspace (they hold it for their team).
    const own = await ask(ws.manager.token, { object: 'users', action: 'edit', scope: 'all' });
    expect(own.status).toBe(201);
    expect(await send(server.app, 'POST', `/api/grants/${own.value.id}/approve`, ws.manager.token, {})).toMatchObject({
      status: 403,
      error: { code: 'FORBIDDEN', message: 'You cannot approve your own access request.' },
    });
    expect(await send(server.app, 'POST', `/api/grants/${own.value.id}/deny`, ws.manager.token, {})).toMatchObject({
      status: 403,
    });
    expect(
      (await must<GrantView[]>(server.app, 'GET', '/api/grants/pending', ws.manager.token)).map((g) => g.id),
    ).not.toContain(own.value.id);

    // The Support lead holds the same role but does not manage the rep.
    const rep = (await ask(ws.rep.token)).value.id;
    expect(await send(server.app, 'POST', `/api/grants/${rep}/approve`, ws.otherManager.token, {})).toMatchObject({
      status: 403,
      error: { message: 'You may approve requests only of the users in the teams you manage.' },
    });
    expect(await must<GrantView[]>(server.app, 'GET', '/api/grants/pending', ws.otherManager.token)).toEqual([]);

    // Wider than the manager holds (contact export for the whole workspace; workspace settings).
    const wide = (await ask(ws.rep.token, { object: 'company', action: 'export', scope: 'all' })).value.id;
    expect(await send(server.app, 'POST', `/api/grants/${wide}/approve`, ws.manager.token, {})).toMatchObject({
      status: 403,
      error: {
        message:
          "You can approve only what your own roles give you: this asks for export company at scope 'all' (yours is 'team').",
      },
    });
    const pendingForManager = (await must<GrantView[]>(server.app, 'GET', '/api/grants/pending', ws.manager.token)).map(
      (g) => g.id,
    );
    expect(pendingForManager).toEqual([rep]);
    const pendingForAdmin = (await must<GrantView[]>(server.app, 'GET', '/api/grants/pending', ws.admin.token)).map(
      (g) => g.id,
    );
    expect(pendingForAdmin.sort()).toEqual([own.value.id, rep, wide].sort());

    // The rep has no users:edit at all; the admin may approve the manager's request.
    expect((await send(server.app, 'POST', `/api/grants/${rep}/approve`, ws.rep.token, {})).status).toBe(403);
    expect(
      (await must<GrantView>(server.app, 'POST', `/api/grants/${own.value.id}/approve`, ws.admin.token, {})).status,
    ).toBe('approved');
  });

  it('judges an approval again under the role-change lock: the requester moved out of the team, or the role taken from the approver, since it arrived', async () => {
    const request = (await ask(ws.rep.token)).value.id;
    // What the access hook read when the approval arrived.
    const approver = { id: ws.manager.id, rights: await rightsOf(server.context.db, ws.manager.id, clock.now()) };
    await must(server.app, 'DELETE', `/api/admin/teams/${ws.teams.sales}/members/${ws.rep.id}`, ws.admin.token);
    await expect(approveGrant(server.context, approver, request, {}, clock.now())).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await must(server.app, 'PUT', `/api/admin/teams/${ws.teams.sales}/members/${ws.rep.id}`, ws.admin.token, {
      manager: false,
    });
    // The manager's role is taken away: what the approval read on arrival still says they hold it, and
    // only the judgement under the lock sees it gone.
    await must(
      server.app,
      'DELETE',
      `/api/admin/users/${ws.manager.id}/roles/${ws.roles['Sales manager']}`,
      ws.admin.token,
    );
    await expect(approveGrant(server.context, approver, request, {}, clock.now())).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await grantById(server.context.db, request))?.status).toBe('pending');
    expect(await auditOf('grant.approved')).toEqual([]);
  });

  it('gives what a grant gives, never the right to hand it on', async () => {
    // The admin lends the rep users:edit for everyone; the rep may now assign roles, but only roles
    // within what their own roles give.
    const lent = (await ask(ws.rep.token, { object: 'users', action: 'edit', scope: 'all' })).value.id;
    await must(server.app, 'POST', `/api/grants/${lent}/approve`, ws.admin.token, {});
    const newcomer = await ws.person('newcomer');
    expect(
      (await send(server.app, 'PUT', `/api/admin/users/${newcomer.id}/roles/${ws.roles['Sales rep']}`, ws.rep.token))
        .status,
    ).toBe(200);
    expect(
      await send(server.app, 'PUT', `/api/admin/users/${newcomer.id}/roles/${ws.roles['Sales manager']}`, ws.rep.token),
    ).toMatchObject({
      status: 403,
      error: { message: expect.stringMatching(/^You cannot assign a role that gives more/) },
    });
    // Nor approve what only a grant gives them.
    const theirs = (await ask(newcomer.token, { object: 'users', action: 'view', scope: 'own' })).value.id;
    expect(await send(server.app, 'POST', `/api/grants/${theirs}/approve`, ws.rep.token, {})).toMatchObject({
      status: 403,
      error: { message: expect.stringMatching(/^You can approve only what your own roles give you/) },
    });
  });

  it('refuses what is already held, durations past the maximum, duplicates and too many waiting', async () => {
    expect(await ask(ws.manager.token)).toMatchObject({
      status: 409,
      error: {
        code: 'CONFLICT',
        message: "You already may export contact at scope 'team', which covers 'own': there is nothing to ask for.",
      },
    });
    expect(await ask(ws.rep.token, { minutes: 481 })).toMatchObject({
      status: 400,
      error: { code: 'VALIDATION', message: "minutes: at most 480, this workspace's longest grant." },
    });
    expect((await ask(ws.rep.token, { minutes: 7 * 24 * 60 + 1 })).status).toBe(400);
    expect(
      (await send(server.app, 'PUT', '/api/admin/settings', ws.admin.token, { grantMaxMinutes: 10_081 })).status,
    ).toBe(400);
    expect((await ask(ws.rep.token, { reason: '   ' })).status).toBe(400);

    const first = await ask(ws.rep.token);
    expect(first.status).toBe(201);
    expect(await ask(ws.rep.token)).toMatchObject({
      status: 409,
      error: { message: 'You asked for export contact already; that request is waiting for a decision.' },
    });
    for (const object of ['company', 'deal', 'note', 'task']) {
      expect((await ask(ws.rep.token, { object })).status, object).toBe(201);
    }
    expect(await ask(ws.rep.token, { object: 'report' })).toMatchObject({
      status: 409,
      error: { message: 'You have 5 requests waiting already: cancel one or wait for a decision.' },
    });
    // Parallel requests can't slip past the limit together.
    await must(server.app, 'POST', `/api/grants/${first.value.id}/cancel`, ws.rep.token, {});
    const burst = await Promise.all(['report', 'email', 'settings'].map((object) => ask(ws.rep.token, { object })));
    expect(burst.map((answer) => answer.status).sort()).toEqual([201, 409, 409]);

    // A lower maximum: the approval's default follows it; a longer approval is refused.
    const requests = await must<GrantView[]>(server.app, 'GET', '/api/grants/mine', ws.rep.token);
    const waiting = requests.filter((g) => g.status === 'pending');
    await must(server.app, 'PUT', '/api/admin/settings', ws.admin.token, { grantMaxMinutes: 30 });
    clock.advance(6_000); // past the settings cache
    expect(
      await send(server.app, 'POST', `/api/grants/${waiting[0]!.id}/approve`, ws.admin.token, { minutes: 60 }),
    ).toMatchObject({ status: 400, error: { message: "minutes: at most 30, this workspace's longest grant." } });
    expect(
      await send(server.app, 'POST', `/api/grants/${waiting[0]!.id}/approve`, ws.admin.token, { minutes: 200 }),
    ).toMatchObject({
      status: 400,
      error: { message: 'minutes: you may shorten the 120 minutes asked for, not lengthen them.' },
    });
    const clamped = await must<GrantView>(
      server.app,
      'POST',
      `/api/grants/${waiting[0]!.id}/approve`,
      ws.admin.token,
      {},
    );
    expect(clamped.approvedMinutes).toBe(30);
  });

  it('lists the ended requests of the users in reach for approvers, the most recently ended first', async () => {
    const denied = (await ask(ws.rep.token)).value.id;
    await must(server.app, 'POST', `/api/grants/${denied}/deny`, ws.manager.token, { note: 'Not this week' });
    clock.advance(MINUTE);
    const expired = (await ask(ws.rep.token)).value.id;
    await must(server.app, 'POST', `/api/grants/${expired}/approve`, ws.manager.token, { minutes: 30 });
    clock.advance(31 * MINUTE);
    expect(await expireDueGrants(server.context.db, clock.now())).toBe(1);
    clock.advance(MINUTE);
    const cancelled = (await ask(ws.rep.token)).value.id;
    await must(server.app, 'POST', `/api/grants/${cancelled}/cancel`, ws.rep.token, {});
    clock.advance(MINUTE);
    const revoked = (await ask(ws.rep.token)).value.id;
    await must(server.app, 'POST', `/api/grants/${revoked}/approve`, ws.manager.token, {});
    clock.advance(MINUTE);
    await must(server.app, 'POST', `/api/grants/${revoked}/revoke`, ws.manager.token, {});
    const waiting = (await ask(ws.rep.token)).value.id;

    const history = await must<GrantView[]>(server.app, 'GET', '/api/grants/history', ws.manager.token);
    expect(history.map((g) => [g.id, g.status])).toEqual([
      [revoked, 'revoked'],
      [cancelled, 'cancelled'],
      [expired, 'expired'],
      [denied, 'denied'],
    ]);
    expect(history.map((g) => g.id)).not.toContain(waiting);
    expect(history[3]).toMatchObject({ note: 'Not this week', decidedBy: ws.manager.id, userEmail: 'rep@example.com' });
    const forAdmin = await must<GrantView[]>(server.app, 'GET', '/api/grants/history', ws.admin.token);
    expect(forAdmin.map((g) => g.id)).toEqual([revoked, cancelled, expired, denied]);
    // Another team's manager reaches none of them; the rep approves nothing.
    expect(await must<GrantView[]>(server.app, 'GET', '/api/grants/history', ws.otherManager.token)).toEqual([]);
    expect((await send(server.app, 'GET', '/api/grants/history', ws.rep.token)).status).toBe(403);
  });

  it('lets the rep cancel (a waiting request, or a grant in force) and an approver revoke, each moving the policy', async () => {
    const waiting = (await ask(ws.rep.token)).value.id;
    expect(await send(server.app, 'POST', `/api/grants/${waiting}/cancel`, ws.manager.token, {})).toMatchObject({
      status: 404,
    });
    expect((await must<GrantView>(server.app, 'POST', `/api/grants/${waiting}/cancel`, ws.rep.token, {})).status).toBe(
      'cancelled',
    );
    expect((await send(server.app, 'POST', `/api/grants/${waiting}/cancel`, ws.rep.token, {})).status).toBe(409);

    const given = (await ask(ws.rep.token)).value.id;
    await must(server.app, 'POST', `/api/grants/${given}/approve`, ws.manager.token, {});
    const withGrant = await fetchPolicy(server.app, ws.rep.token);
    expect(withGrant.document!.grants.map((g) => g.id)).toEqual([given]);
    await must(server.app, 'POST', `/api/grants/${given}/cancel`, ws.rep.token, {});
    const givenBack = await fetchPolicy(server.app, ws.rep.token, withGrant.etag);
    expect(givenBack.document).toMatchObject({ version: withGrant.document!.version + 1, grants: [] });

    const revoked = (await ask(ws.rep.token)).value.id;
    await must(server.app, 'POST', `/api/grants/${revoked}/approve`, ws.manager.token, {});
    const active = await must<GrantView[]>(server.app, 'GET', '/api/grants/active', ws.manager.token);
    expect(active.map((g) => g.id)).toEqual([revoked]);
    expect(await must<GrantView[]>(server.app, 'GET', '/api/grants/active', ws.otherManager.token)).toEqual([]);
    expect((await send(server.app, 'POST', `/api/grants/${revoked}/revoke`, ws.otherManager.token, {})).status).toBe(
      403,
    );
    const ended = await must<GrantView>(server.app, 'POST', `/api/grants/${revoked}/revoke`, ws.manager.token, {
      note: 'Done with it',
    });
    expect(ended).toMatchObject({ status: 'revoked', note: 'Done with it' });
    expect((await fetchPolicy(server.app, ws.rep.token)).document!.grants).toEqual([]);
    expect((await send(server.app, 'POST', `/api/grants/${revoked}/revoke`, ws.manager.token, {})).status).toBe(409);

    const actions = (
      await server.context.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', 'like', 'grant.%')
        .orderBy('seq')
        .execute()
    ).map((row) => row.action);
    expect(actions).toEqual([
      'grant.requested',
      'grant.cancelled',
      'grant.requested',
      'grant.approved',
      'grant.cancelled',
      'grant.requested',
      'grant.approved',
      'grant.revoked',
    ]);
    expect(await verifyAuditChain(server.context.db)).toMatchObject({ ok: true });
  });
});
