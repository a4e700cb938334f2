import type { FastifyInstance } from 'fastify';
import { compactVerify, importJWK } from 'jose';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoleView, TeamView, UserView, WorkspaceInfo } from '../../common/api/server-admin.js';
import { PolicyDocument, POLICY_JWS_TYPE } from '../../common/rbac/policy.js';
import { issueBootstrapToken } from '../../server/auth/bootstrap.js';
import type { DatabaseTarget } from '../../server/db/database.js';
import { teamsManagedBy } from '../../server/rbac/teams.js';
import {
  bearer,
  DatabaseFactory,
  ManualClock,
  post,
  startInstance,
  type DatabaseBackend,
  type ServerInstance,
} from '../harness/team-server.js';

const ADMIN = { email: 'admin@example.com', password: 'a long passphrase nobody guesses' };
const REP = { email: 'rep@example.com', password: 'rep passphrase of decent length' };
const HOUR = 3_600_000;

type Body<T> = { ok: boolean; value: T; error?: { code: string; message: string } };

async function send<T>(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  token: string,
  payload?: unknown,
): Promise<{ status: number; body: Body<T> }> {
  const response = await app.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: response.statusCode, body: response.json<Body<T>>() };
}

// Roles, teams and the signed policy route, on SQLite and on a private PostgreSQL cluster.
describe.each<DatabaseBackend>(['sqlite', 'postgres'])('team server roles and policy on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  let clock: ManualClock;
  let server: ServerInstance;
  let admin: string;
  let target: DatabaseTarget;

  beforeEach(async () => {
    clock = new ManualClock();
    target = await factory.fresh();
    server = await startInstance(target, clock);
    const issued = await issueBootstrapToken(server.context.db, clock.now());
    const { body } = await post(server.app, '/api/auth/bootstrap', { token: issued!.token, ...ADMIN });
    admin = body.value.token;
  });
  afterEach(async () => server.close());
  afterAll(() => factory.dispose());

  async function createRep(): Promise<{ id: string; token: string }> {
    const created = await send<UserView>(server.app, 'POST', '/api/admin/users', admin, REP);
    expect(created.status).toBe(201);
    const login = await post(server.app, '/api/auth/login', REP);
    return { id: created.body.value.id, token: login.body.value.token };
  }

  async function roleNamed(name: string): Promise<RoleView> {
    const roles = await send<RoleView[]>(server.app, 'GET', '/api/admin/roles', admin);
    return roles.body.value.find((role) => role.name === name)!;
  }

  async function fetchPolicy(token: string, etag?: string) {
    const response = await server.app.inject({
      method: 'GET',
      url: '/api/policy',
      headers: { ...bearer(token), ...(etag ? { 'if-none-match': etag } : {}) },
    });
    return response;
  }

  async function verified(jws: string): Promise<PolicyDocument> {
    const workspace = (await send<WorkspaceInfo>(server.app, 'GET', '/api/workspace', '')).body.value;
    const key = await importJWK(workspace.publicKeyJwk, 'EdDSA');
    const { payload, protectedHeader } = await compactVerify(jws, key, { algorithms: ['EdDSA'] });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: POLICY_JWS_TYPE });
    return PolicyDocument.parse(JSON.parse(new TextDecoder().decode(payload)));
  }

  it('seeds Admin, Sales manager and Sales rep; reps may not export', async () => {
    const roles = await send<RoleView[]>(server.app, 'GET', '/api/admin/roles', admin);
    expect(roles.body.value.map((role) => role.name)).toEqual(['Admin', 'Sales manager', 'Sales rep']);
    const rep = roles.body.value.find((role) => role.name === 'Sales rep')!;
    for (const actions of Object.values(rep.permissions)) expect(actions).not.toHaveProperty('export');
    expect((await roleNamed('Sales manager')).permissions.contact?.export).toBe('team');
    expect((await roleNamed('Admin')).permissions.users?.delete).toBe('all');
  });

  it('serves one workspace key (public), the same to every instance on the database', async () => {
    const first = await server.app.inject({ method: 'GET', url: '/api/workspace' });
    expect(first.statusCode).toBe(200);
    const info = first.json<Body<WorkspaceInfo>>().value;
    expect(info.publicKeyJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String) });
    expect(info.fingerprint).toMatch(/^[\w-]{43}$/);
    expect(JSON.stringify(info)).not.toMatch(/"d"/);

    const other = await startInstance(target, clock);
    try {
      const again = (await other.app.inject({ method: 'GET', url: '/api/workspace' })).json<Body<WorkspaceInfo>>();
      expect(again.value).toEqual(info);
    } finally {
      await other.close();
    }
  });

  it('signs the combined roles, bumps the version only when the rights change, and answers 304 to its ETag', async () => {
    const rep = await createRep();
    const salesRep = await roleNamed('Sales rep');
    expect((await fetchPolicy('not-a-session')).statusCode).toBe(401);

    // No role yet: a valid policy that grants nothing.
    const empty = await fetchPolicy(rep.token);
    expect(empty.statusCode).toBe(200);
    expect(empty.headers['content-type']).toBe('application/jose');
    const emptyDoc = await verified(empty.body);
    expect(emptyDoc).toMatchObject({ userId: rep.id, version: 1, permissions: {}, offlineGraceHours: 72 });
    expect(Date.parse(emptyDoc.expiresAt) - Date.parse(emptyDoc.issuedAt)).toBe(24 * HOUR);

    // A role with export, plus Sales rep: the widest grant wins, a hidden field stays hidden.
    const exporter = await send<RoleView>(server.app, 'POST', '/api/admin/roles', admin, {
      name: 'Exporter',
      permissions: { contact: { view: 'own', export: 'team' } },
      fieldRules: { deal: { amount: 'hidden' } },
      emailVisibility: 'subject',
    });
    expect(exporter.status).toBe(201);
    for (const roleId of [salesRep.id, exporter.body.value.id]) {
      const assigned = await send(server.app, 'PUT', `/api/admin/users/${rep.id}/roles/${roleId}`, admin);
      expect(assigned.status).toBe(200);
    }
    const combined = await fetchPolicy(rep.token);
    const doc = await verified(combined.body);
    expect(doc.version).toBe(2);
    expect(doc.permissions.contact).toEqual({
      view: 'team',
      create: 'own',
      edit: 'own',
      communicate: 'own',
      export: 'team',
    });
    expect(doc.fieldRules).toEqual({ deal: { amount: 'hidden' } });
    expect(doc.emailVisibility).toBe('full');

    // Unchanged rights: 304 to the ETag; a later fetch without it gets the copy already signed.
    const etag = String(combined.headers.etag);
    expect((await fetchPolicy(rep.token, etag)).statusCode).toBe(304);
    clock.advance(HOUR);
    const again = await fetchPolicy(rep.token);
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(combined.body);
    expect(again.headers.etag).toBe(etag);
    // Past half its lifetime neither the ETag nor the copy will do: the same version, re-signed.
    clock.advance(12 * HOUR);
    const renewed = await fetchPolicy(rep.token, etag);
    expect(renewed.statusCode).toBe(200);
    const resigned = await verified(renewed.body);
    expect(resigned.version).toBe(2);
    expect(Date.parse(resigned.issuedAt)).toBe(clock.now());

    // The admin narrows the role: the version goes up, and the old ETag gets the new policy.
    const updated = await send<RoleView>(server.app, 'PUT', `/api/admin/roles/${exporter.body.value.id}`, admin, {
      permissions: { contact: { view: 'own' } },
    });
    expect(updated.body.value).toMatchObject({ name: 'Exporter', fieldRules: { deal: { amount: 'hidden' } } });
    const narrowed = await fetchPolicy(rep.token, etag);
    expect(narrowed.statusCode).toBe(200);
    const narrowedDoc = await verified(narrowed.body);
    expect(narrowedDoc.version).toBe(3);
    expect(narrowedDoc.permissions.contact).not.toHaveProperty('export');

    // Unassigning also changes the rights.
    expect((await send(server.app, 'DELETE', `/api/admin/users/${rep.id}/roles/${salesRep.id}`, admin)).status).toBe(
      200,
    );
    expect((await verified((await fetchPolicy(rep.token)).body)).version).toBe(4);
    expect((await send(server.app, 'DELETE', `/api/admin/users/${rep.id}/roles/${salesRep.id}`, admin)).status).toBe(
      404,
    );
  });

  it('keeps the admin API to admins and validates what it is given', async () => {
    const rep = await createRep();
    for (const [method, url, payload] of [
      ['GET', '/api/admin/roles', undefined],
      ['POST', '/api/admin/roles', { name: 'Mine', permissions: {} }],
      ['GET', '/api/admin/users', undefined],
      ['POST', '/api/admin/users', { email: 'x@example.com', password: 'x long passphrase here' }],
      ['POST', '/api/admin/teams', { name: 'T' }],
    ] as const) {
      const answer = await send(server.app, method, url, rep.token, payload);
      expect(answer.status, `${method} ${url}`).toBe(403);
      expect(answer.body.error?.code).toBe('FORBIDDEN');
    }
    const bad = await send(server.app, 'POST', '/api/admin/roles', admin, {
      name: 'Bad',
      permissions: { contact: { view: 'everything' } },
    });
    expect(bad.status).toBe(400);
    expect(
      (await send(server.app, 'POST', '/api/admin/roles', admin, { name: 'Sales rep', permissions: {} })).status,
    ).toBe(409);
    const weak = await send(server.app, 'POST', '/api/admin/users', admin, {
      email: 'y@example.com',
      password: 'password1',
    });
    expect(weak).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION' } } });
    expect((await send(server.app, 'POST', '/api/admin/users', admin, REP)).status).toBe(409);
    const users = await send<UserView[]>(server.app, 'GET', '/api/admin/users', admin);
    expect(users.body.value.map((user) => [user.email, user.isAdmin])).toEqual([
      [ADMIN.email, true],
      [REP.email, false],
    ]);
  });

  it('builds a team hierarchy: a manager of a team reaches its sub-teams', async () => {
    const rep = await createRep();
    const sales = await send<TeamView>(server.app, 'POST', '/api/admin/teams', admin, { name: 'Sales' });
    const east = await send<TeamView>(server.app, 'POST', '/api/admin/teams', admin, {
      name: 'Sales East',
      parentId: sales.body.value.id,
    });
    const other = await send<TeamView>(server.app, 'POST', '/api/admin/teams', admin, { name: 'Support' });
    const member = await send(server.app, 'PUT', `/api/admin/teams/${sales.body.value.id}/members/${rep.id}`, admin, {
      manager: true,
    });
    expect(member.status).toBe(200);
    expect(await teamsManagedBy(server.context.db, rep.id)).toEqual([sales.body.value.id, east.body.value.id].sort());
    expect(await teamsManagedBy(server.context.db, rep.id)).not.toContain(other.body.value.id);
    const teams = await send<TeamView[]>(server.app, 'GET', '/api/admin/teams', admin);
    expect(teams.body.value.find((team) => team.name === 'Sales')?.members).toEqual([
      { userId: rep.id, manager: true },
    ]);
    expect(
      (await send(server.app, 'DELETE', `/api/admin/teams/${sales.body.value.id}/members/${rep.id}`, admin)).status,
    ).toBe(200);
    expect(await teamsManagedBy(server.context.db, rep.id)).toEqual([]);
    const audited = await server.context.db.selectFrom('audit_log').select('action').orderBy('seq').execute();
    expect(audited.map((row) => row.action).filter((action) => action.startsWith('team.'))).toEqual([
      'team.created',
      'team.created',
      'team.created',
      'team.member_set',
      'team.member_removed',
    ]);
  });

  it('records role changes, assignments and policy issuance in the audit log', async () => {
    const rep = await createRep();
    const salesRep = await roleNamed('Sales rep');
    await send(server.app, 'PUT', `/api/admin/users/${rep.id}/roles/${salesRep.id}`, admin);
    await send(server.app, 'PUT', `/api/admin/roles/${salesRep.id}`, admin, { emailVisibility: 'subject' });
    await fetchPolicy(rep.token);
    const actions = (await server.context.db.selectFrom('audit_log').select('action').orderBy('seq').execute()).map(
      (row) => row.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['user.created', 'role.assigned', 'role.updated', 'policy.issued']));
  });
});
