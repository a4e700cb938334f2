import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoleView, TeamView, UserView } from '../../common/api/server-admin.js';
import { verifyAuditChain } from '../../server/audit/verify-chain.js';
import { makeWorkspace, must, send, type Workspace } from '../harness/server-workspace.js';
import {
  DatabaseFactory,
  ManualClock,
  startInstance,
  type DatabaseBackend,
  type ServerInstance,
} from '../harness/team-server.js';

// Renaming, moving and deleting teams, and deleting roles, on SQLite and PostgreSQL: what a move or
// a deletion does to a manager's reach, the changes refused (a cycle, a team with sub-teams, a role
// somebody holds, a role above the caller), and each change on the audit record.

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('editing teams and roles on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  let clock: ManualClock;
  let server: ServerInstance;
  let ws: Workspace;

  beforeEach(async () => {
    clock = new ManualClock();
    server = await startInstance(await factory.fresh(), clock);
    ws = await makeWorkspace(server, clock);
  });
  afterEach(async () => server.close());
  afterAll(() => factory.dispose());

  const teams = () => must<TeamView[]>(server.app, 'GET', '/api/admin/teams', ws.admin.token);
  const visibleTo = async (token: string) =>
    (await must<UserView[]>(server.app, 'GET', '/api/admin/users', token)).map((user) => user.id);
  const auditOf = async (action: string) =>
    (
      await server.context.db
        .selectFrom('audit_log')
        .select(['target', 'details', 'actor_user_id'])
        .where('action', '=', action)
        .orderBy('seq')
        .execute()
    ).map((row) => ({ ...row, details: JSON.parse(row.details) as unknown }));

  it("renames and moves a team; a move carries the team's people into its new parent's reach", async () => {
    const helper = await ws.person('helpdesk', ['Sales rep']);
    const tier2 = await must<TeamView>(server.app, 'POST', '/api/admin/teams', ws.admin.token, {
      name: 'Tier 2',
      parentId: ws.teams.support,
    });
    await must(server.app, 'PUT', `/api/admin/teams/${tier2.id}/members/${helper.id}`, ws.admin.token, {
      manager: false,
    });
    // Under Support: its manager reaches the helper, the Sales manager does not.
    expect(await visibleTo(ws.otherManager.token)).toContain(helper.id);
    expect(await visibleTo(ws.manager.token)).not.toContain(helper.id);

    const moved = await must<TeamView>(server.app, 'PUT', `/api/admin/teams/${tier2.id}`, ws.admin.token, {
      name: 'Sales engineering',
      parentId: ws.teams.sales,
    });
    expect(moved).toEqual({
      id: tier2.id,
      name: 'Sales engineering',
      parentId: ws.teams.sales,
      members: [{ userId: helper.id, manager: false }],
    });
    expect((await teams()).find((team) => team.id === tier2.id)).toEqual(moved);
    expect(await visibleTo(ws.manager.token)).toContain(helper.id);
    expect(await visibleTo(ws.otherManager.token)).not.toContain(helper.id);

    // A rename alone keeps the parent; top level with null.
    await must(server.app, 'PUT', `/api/admin/teams/${tier2.id}`, ws.admin.token, { name: 'Solutions' });
    expect((await teams()).find((team) => team.id === tier2.id)).toMatchObject({
      name: 'Solutions',
      parentId: ws.teams.sales,
    });
    await must(server.app, 'PUT', `/api/admin/teams/${tier2.id}`, ws.admin.token, { parentId: null });
    expect(await visibleTo(ws.manager.token)).not.toContain(helper.id);

    const updates = await auditOf('team.updated');
    expect(updates).toHaveLength(3);
    expect(updates[0]).toMatchObject({
      actor_user_id: ws.admin.id,
      target: `team:${tier2.id}`,
      details: {
        before: { name: 'Tier 2', parentId: ws.teams.support },
        after: { name: 'Sales engineering', parentId: ws.teams.sales },
      },
    });
    expect(await verifyAuditChain(server.context.db)).toMatchObject({ ok: true });
  });

  it('refuses a move that would make a cycle, an unknown parent, an empty update and a non-admin', async () => {
    const child = await must<TeamView>(server.app, 'POST', '/api/admin/teams', ws.admin.token, {
      name: 'Inside sales',
      parentId: ws.teams.sales,
    });
    const grandchild = await must<TeamView>(server.app, 'POST', '/api/admin/teams', ws.admin.token, {
      name: 'Night shift',
      parentId: child.id,
    });
    const cycle = 'A team cannot be moved under itself or one of its own sub-teams.';
    for (const parentId of [ws.teams.sales, child.id, grandchild.id]) {
      expect(
        await send(server.app, 'PUT', `/api/admin/teams/${ws.teams.sales}`, ws.admin.token, { parentId }),
      ).toMatchObject({ status: 409, error: { code: 'CONFLICT', message: cycle } });
    }
    expect(
      await send(server.app, 'PUT', `/api/admin/teams/${ws.teams.sales}`, ws.admin.token, {
        parentId: '00000000-0000-4000-8000-000000000000',
      }),
    ).toMatchObject({ status: 404, error: { code: 'NOT_FOUND' } });
    expect(await send(server.app, 'PUT', `/api/admin/teams/${ws.teams.sales}`, ws.admin.token, {})).toMatchObject({
      status: 400,
      error: { code: 'VALIDATION' },
    });
    // The Sales manager edits users of their team, not the shape of the workspace.
    expect(
      await send(server.app, 'PUT', `/api/admin/teams/${ws.teams.sales}`, ws.manager.token, { name: 'Mine' }),
    ).toMatchObject({ status: 403 });
    // Nothing moved.
    expect((await teams()).find((team) => team.id === ws.teams.sales)).toMatchObject({ name: 'Sales', parentId: null });
    expect(await auditOf('team.updated')).toEqual([]);
  });

  it('deletes a team without sub-teams with its memberships; its manager no longer reaches its people', async () => {
    const child = await must<TeamView>(server.app, 'POST', '/api/admin/teams', ws.admin.token, {
      name: 'Inside sales',
      parentId: ws.teams.sales,
    });
    expect(await send(server.app, 'DELETE', `/api/admin/teams/${ws.teams.sales}`, ws.admin.token)).toMatchObject({
      status: 409,
      error: { code: 'CONFLICT', message: '"Sales" has sub-teams ("Inside sales"): move or delete them first.' },
    });
    expect(await visibleTo(ws.manager.token)).toContain(ws.rep.id);

    await must(server.app, 'DELETE', `/api/admin/teams/${child.id}`, ws.admin.token);
    await must(server.app, 'DELETE', `/api/admin/teams/${ws.teams.sales}`, ws.admin.token);
    expect((await teams()).map((team) => team.name)).toEqual(['Support']);
    expect(await visibleTo(ws.manager.token)).toEqual([ws.manager.id]);
    const left = await server.context.db
      .selectFrom('team_members')
      .select('user_id')
      .where('team_id', '=', ws.teams.sales)
      .execute();
    expect(left).toEqual([]);
    expect(await send(server.app, 'DELETE', `/api/admin/teams/${ws.teams.sales}`, ws.admin.token)).toMatchObject({
      status: 404,
    });

    const deleted = await auditOf('team.deleted');
    expect(deleted.map((entry) => entry.target)).toEqual([`team:${child.id}`, `team:${ws.teams.sales}`]);
    expect(deleted[1]!.details).toMatchObject({ name: 'Sales', parentId: null });
    expect((deleted[1]!.details as { members: { userId: string; manager: boolean }[] }).members).toEqual(
      expect.arrayContaining([
        { userId: ws.manager.id, manager: true },
        { userId: ws.rep.id, manager: false },
      ]),
    );
    expect(await verifyAuditChain(server.context.db)).toMatchObject({ ok: true });
  });

  it('deletes a role nobody holds, and refuses one that is held or gives more than the caller holds', async () => {
    const roles = () => must<RoleView[]>(server.app, 'GET', '/api/admin/roles', ws.admin.token);
    expect(await send(server.app, 'DELETE', `/api/admin/roles/${ws.roles['Sales rep']}`, ws.admin.token)).toMatchObject(
      { status: 409, error: { code: 'CONFLICT', message: '"Sales rep" is held by 1 user: take it from them first.' } },
    );

    // A user administrator who may not touch settings cannot delete a role that may.
    const userAdmin = await must<RoleView>(server.app, 'POST', '/api/admin/roles', ws.admin.token, {
      name: 'User admin',
      permissions: { users: { view: 'all', edit: 'all' } },
    });
    const ua = await ws.person('ua');
    await must(server.app, 'PUT', `/api/admin/users/${ua.id}/roles/${userAdmin.id}`, ws.admin.token);
    const settingsRole = await must<RoleView>(server.app, 'POST', '/api/admin/roles', ws.admin.token, {
      name: 'Settings keeper',
      permissions: { settings: { view: 'all', edit: 'all' } },
    });
    expect(await send(server.app, 'DELETE', `/api/admin/roles/${settingsRole.id}`, ua.token)).toMatchObject({
      status: 403,
      error: { code: 'FORBIDDEN' },
    });
    const narrow = await must<RoleView>(server.app, 'POST', '/api/admin/roles', ws.admin.token, {
      name: 'Read contacts',
      permissions: { contact: { view: 'own' } },
    });
    // They hold no contact rights either: refused too. The admin may delete both.
    expect(await send(server.app, 'DELETE', `/api/admin/roles/${narrow.id}`, ua.token)).toMatchObject({ status: 403 });
    await must(server.app, 'DELETE', `/api/admin/roles/${narrow.id}`, ws.admin.token);
    await must(server.app, 'DELETE', `/api/admin/roles/${settingsRole.id}`, ws.admin.token);
    expect((await roles()).map((role) => role.name)).not.toContain('Settings keeper');
    expect(await send(server.app, 'DELETE', `/api/admin/roles/${narrow.id}`, ws.admin.token)).toMatchObject({
      status: 404,
    });
    const deleted = await auditOf('role.deleted');
    expect(deleted.map((entry) => (entry.details as { role: { name: string } }).role.name)).toEqual([
      'Read contacts',
      'Settings keeper',
    ]);
    expect(await verifyAuditChain(server.context.db)).toMatchObject({ ok: true });
  });
});
