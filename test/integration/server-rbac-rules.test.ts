import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoleView, TeamView, UserView } from '../../common/api/server-admin.js';
import { verifyAuditChain } from '../../server/audit/verify-chain.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { openDatabase } from '../../server/db/database.js';
import { MIGRATIONS } from '../../server/db/migrations/index.js';
import { migrate } from '../../server/db/migrator.js';
import { LAST_USER_ADMIN, userAdministratorExists } from '../../server/rbac/role-change.js';
import { makeWorkspace, must, send, type Workspace } from '../harness/server-workspace.js';
import {
  DatabaseFactory,
  ManualClock,
  startInstance,
  type DatabaseBackend,
  type ServerInstance,
} from '../harness/team-server.js';

// The rules behind the route table, on SQLite and PostgreSQL: scopes over users (a manager reaches
// the teams they manage, sub-teams included, and nobody else), no privilege escalation (nobody
// creates, changes, assigns or takes away a role that gives more than their own roles), the last
// user administrator kept, and the upgrade that gives existing bootstrap admins the Admin role.

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('team server RBAC rules on %s', (backend) => {
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

  const assign = (token: string, userId: string, role: string) =>
    send(server.app, 'PUT', `/api/admin/users/${userId}/roles/${ws.roles[role] ?? role}`, token);
  const unassign = (token: string, userId: string, role: string) =>
    send(server.app, 'DELETE', `/api/admin/users/${userId}/roles/${ws.roles[role] ?? role}`, token);

  it('gives the bootstrap admin the Admin role: the flag alone grants nothing', async () => {
    const users = await must<UserView[]>(server.app, 'GET', '/api/admin/users', ws.admin.token);
    expect(users.find((user) => user.id === ws.admin.id)).toMatchObject({ isAdmin: true, roleIds: [ws.roles.Admin] });
    // With the role taken away (someone else holding users:edit for all), the flag opens nothing.
    const other = await ws.person('second-admin', ['Admin']);
    expect((await unassign(other.token, ws.admin.id, 'Admin')).status).toBe(200);
    expect(await send(server.app, 'GET', '/api/admin/roles', ws.admin.token)).toMatchObject({
      status: 403,
      error: { code: 'FORBIDDEN', message: 'Your roles do not allow this (view users).' },
    });
  });

  it('lets a manager act on the members of the teams they manage, sub-teams included, and no one else', async () => {
    const east = await must<TeamView>(server.app, 'POST', '/api/admin/teams', ws.admin.token, {
      name: 'Sales East',
      parentId: ws.teams.sales,
    });
    const eastRep = await ws.person('east-rep');
    await must(server.app, 'PUT', `/api/admin/teams/${east.id}/members/${eastRep.id}`, ws.admin.token, {
      manager: false,
    });
    const stranger = await ws.person('stranger');

    expect((await assign(ws.manager.token, eastRep.id, 'Sales rep')).status).toBe(200);
    expect(await assign(ws.manager.token, stranger.id, 'Sales rep')).toMatchObject({
      status: 403,
      error: { code: 'FORBIDDEN', message: 'This user is not in a team you manage.' },
    });
    expect((await assign(ws.otherManager.token, eastRep.id, 'Sales rep')).status).toBe(403);

    // The directory shows a manager their own people only.
    const visible = (await must<UserView[]>(server.app, 'GET', '/api/admin/users', ws.manager.token)).map((u) => u.id);
    expect(visible.sort()).toEqual([ws.manager.id, ws.rep.id, eastRep.id].sort());
    const teams = (await must<TeamView[]>(server.app, 'GET', '/api/admin/teams', ws.manager.token)).map((t) => t.name);
    expect(teams).toEqual(['Sales', 'Sales East']);
    expect((await must<UserView[]>(server.app, 'GET', '/api/admin/users', ws.admin.token)).length).toBe(6);

    // Sessions: the rep's may be ended by their manager, not by the Support lead.
    const login = await server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'stranger@example.com', password: 'a long passphrase nobody guesses' },
    });
    const strangerSession = login.json<{ value: { session: { id: string } } }>().value.session.id;
    expect((await send(server.app, 'DELETE', `/api/admin/sessions/${strangerSession}`, ws.manager.token)).status).toBe(
      403,
    );
    expect((await send(server.app, 'DELETE', `/api/admin/sessions/${strangerSession}`, ws.admin.token)).status).toBe(
      200,
    );
  });

  it('refuses to create, change, assign or take away a role that gives more than the caller holds', async () => {
    // A user administrator who does no sales work and reads email subjects only, with amounts hidden.
    const userAdmin = await must<RoleView>(server.app, 'POST', '/api/admin/roles', ws.admin.token, {
      name: 'User admin',
      permissions: { users: { view: 'all', create: 'all', edit: 'all' }, contact: { view: 'team' } },
      fieldRules: { deal: { amount: 'hidden' } },
      emailVisibility: 'subject',
    });
    ws.roles['User admin'] = userAdmin.id;
    const ua = await ws.person('user-admin', ['User admin']);
    const role = (body: object) => send<RoleView>(server.app, 'POST', '/api/admin/roles', ua.token, body);

    expect(
      await role({
        name: 'Exporter',
        permissions: { contact: { export: 'own' } },
        fieldRules: { deal: { amount: 'hidden' } },
      }),
    ).toMatchObject({
      status: 403,
      error: {
        message:
          "You cannot create a role that gives more than you hold yourself: export contact at scope 'own' (yours is 'none').",
      },
    });
    expect(
      await role({
        name: 'Wide reader',
        permissions: { contact: { view: 'all' } },
        fieldRules: { deal: { amount: 'hidden' } },
      }),
    ).toMatchObject({
      status: 403,
    });
    expect(await role({ name: 'Amounts', permissions: { contact: { view: 'own' } } })).toMatchObject({
      status: 403,
      error: { message: expect.stringContaining('the field deal.amount, which is hidden from you') },
    });
    expect(
      await role({
        name: 'Reader',
        permissions: {},
        fieldRules: { deal: { amount: 'hidden' } },
        emailVisibility: 'full',
      }),
    ).toMatchObject({ status: 403, error: { message: expect.stringContaining("email visibility 'full'") } });
    const within = await role({
      name: 'Directory',
      permissions: { users: { view: 'all' }, contact: { view: 'own' } },
      fieldRules: { deal: { amount: 'hidden' } },
      emailVisibility: 'subject',
    });
    expect(within.status).toBe(201);

    // Changing: not to more than they hold, and not a role above them (even to narrow it).
    expect(
      (
        await send(server.app, 'PUT', `/api/admin/roles/${within.value.id}`, ua.token, {
          permissions: { contact: { export: 'all' } },
        })
      ).status,
    ).toBe(403);
    expect(
      await send(server.app, 'PUT', `/api/admin/roles/${ws.roles['Sales rep']}`, ua.token, { permissions: {} }),
    ).toMatchObject({
      status: 403,
      error: { message: expect.stringMatching(/^You cannot change a role that gives more/) },
    });

    // Assigning and taking away: only roles within their own.
    expect((await assign(ua.token, ws.rep.id, 'Admin')).status).toBe(403);
    expect((await assign(ua.token, ws.rep.id, within.value.id)).status).toBe(200);
    expect((await unassign(ua.token, ws.rep.id, 'Sales rep')).status).toBe(403);
    expect((await unassign(ua.token, ws.admin.id, 'Admin')).status).toBe(403);
    expect((await unassign(ua.token, ws.rep.id, within.value.id)).status).toBe(200);

    // Nothing refused reached the record.
    const created = await server.context.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'role.created')
      .execute();
    expect(created.map((row) => (JSON.parse(row.details) as { role: { name: string } }).role.name)).toEqual([
      'User admin',
      'Directory',
    ]);
  });

  it('keeps at least one user administrator: the last one cannot be stripped, by anyone', async () => {
    expect(await unassign(ws.admin.token, ws.admin.id, 'Admin')).toMatchObject({
      status: 409,
      error: { code: 'CONFLICT', message: LAST_USER_ADMIN },
    });
    const admin = (await must<RoleView[]>(server.app, 'GET', '/api/admin/roles', ws.admin.token)).find(
      (r) => r.name === 'Admin',
    )!;
    const narrowed = { ...admin.permissions, users: { view: 'all', edit: 'team' } };
    expect(
      await send(server.app, 'PUT', `/api/admin/roles/${admin.id}`, ws.admin.token, { permissions: narrowed }),
    ).toMatchObject({ status: 409, error: { message: LAST_USER_ADMIN } });
    // Refused changes were rolled back whole.
    expect((await must<UserView[]>(server.app, 'GET', '/api/admin/users', ws.admin.token))[0]!.roleIds).toEqual([
      ws.roles.Admin,
    ]);

    // Two administrators removing each other at once: exactly one wins. The other is refused as the
    // last administrator (409), or, when the winner committed before its request was even let in,
    // for no longer holding the right (403).
    const second = await ws.person('second-admin', ['Admin']);
    const both = await Promise.all([
      unassign(ws.admin.token, second.id, 'Admin'),
      unassign(second.token, ws.admin.id, 'Admin'),
    ]);
    const statuses = both.map((answer) => answer.status).sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    expect(await userAdministratorExists(server.context.db)).toBe(true);
    expect(await verifyAuditChain(server.context.db)).toMatchObject({ ok: true });
  });
});

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('upgrading to migration 0005 on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  afterAll(() => factory.dispose());

  it('gives existing bootstrap admins the Admin role and narrows the seeded roles to their own settings', async () => {
    const clock = new ManualClock();
    const target = await factory.fresh();
    const before = openDatabase(target);
    await migrate(before.db, before.kind, clock.now, MIGRATIONS.slice(0, 4));
    await before.db
      .insertInto('users')
      .values({
        id: '6f1c1d33-0d57-4d55-9c1e-7e6a35c1b001',
        email: 'old-admin@example.com',
        email_normalized: 'old-admin@example.com',
        password_hash: await hashPassword('a long passphrase nobody guesses'),
        is_admin: 1,
        created_at: clock.now(),
        disabled_at: null,
      })
      .execute();
    // The seeds as migration 0002 wrote them before this slice: reps and managers edited 'all'
    // settings, managers only viewed users. An admin's own choice on another role is left alone.
    for (const name of ['Sales rep', 'Sales manager']) {
      const row = await before.db
        .selectFrom('roles')
        .select('permissions')
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      const permissions = JSON.parse(row.permissions) as Record<string, unknown>;
      await before.db
        .updateTable('roles')
        .set({
          permissions: JSON.stringify({
            ...permissions,
            settings: { view: 'all', edit: 'all' },
            ...(name === 'Sales manager' ? { users: { view: 'team' } } : {}),
          }),
        })
        .where('name', '=', name)
        .execute();
    }
    await before.db
      .insertInto('roles')
      .values({
        id: '6f1c1d33-0d57-4d55-9c1e-7e6a35c1b002',
        name: 'Office',
        permissions: JSON.stringify({ settings: { view: 'all', edit: 'all' } }),
        field_rules: '{}',
        email_visibility: 'full',
        created_at: clock.now(),
        updated_at: clock.now(),
      })
      .execute();
    await before.close();

    const server = await startInstance(target, clock);
    try {
      const login = await server.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'old-admin@example.com', password: 'a long passphrase nobody guesses' },
      });
      const token = login.json<{ value: { token: string } }>().value.token;
      const roles = await must<RoleView[]>(server.app, 'GET', '/api/admin/roles', token);
      const byName = (name: string) => roles.find((role) => role.name === name)!;
      const users = await must<UserView[]>(server.app, 'GET', '/api/admin/users', token);
      expect(users[0]).toMatchObject({ email: 'old-admin@example.com', roleIds: [byName('Admin').id] });
      expect(byName('Sales rep').permissions.settings).toEqual({ view: 'own', edit: 'own' });
      expect(byName('Sales manager').permissions.settings).toEqual({ view: 'own', edit: 'own' });
      // Never widened: an older workspace's manager keeps users as it was (view only).
      expect(byName('Sales manager').permissions.users).toEqual({ view: 'team' });
      expect(byName('Office').permissions.settings).toEqual({ view: 'all', edit: 'all' });
      const settings = await must<{ grantMaxMinutes: number }>(server.app, 'GET', '/api/admin/settings', token);
      expect(settings.grantMaxMinutes).toBe(480);
    } finally {
      await server.close();
    }
  });
});
