import type { FastifyInstance } from 'fastify';
import { compactVerify, importJWK } from 'jose';
import { expect } from 'vitest';
import type { RoleView, TeamView, UserView, WorkspaceInfo } from '../../common/api/server-admin.js';
import { PolicyDocument } from '../../common/rbac/policy.js';
import { issueBootstrapToken } from '../../server/auth/bootstrap.js';
import { bearer, type ManualClock, type ServerInstance } from './team-server.js';

/**
 * A populated workspace for the team server's RBAC and grant tests: the bootstrap admin, a "Sales"
 * team whose manager holds "Sales manager" and whose rep holds "Sales rep", and a "Support" team
 * with its own manager (also "Sales manager"), who reaches nobody in Sales.
 */
export const PASSWORD = 'a long passphrase nobody guesses';

export type Answer<T> = { status: number; ok: boolean; value: T; error?: { code: string; message: string } };

export async function send<T = unknown>(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  token: string,
  payload?: object,
): Promise<Answer<T>> {
  const response = await app.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload === undefined ? {} : { payload }),
  });
  const body = response.json<{ ok: boolean; value: T; error?: { code: string; message: string } }>();
  return { status: response.statusCode, ...body };
}

/** The value of a call that must succeed (its status checked too). */
export async function must<T = unknown>(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  token: string,
  payload?: object,
): Promise<T> {
  const answer = await send<T>(app, method, url, token, payload);
  expect(answer.ok, `${method} ${url}: ${answer.status} ${answer.error?.message}`).toBe(true);
  return answer.value;
}

export type Person = { id: string; token: string };

export type Workspace = {
  admin: Person;
  manager: Person;
  rep: Person;
  /** Manages Support, not Sales. */
  otherManager: Person;
  roles: Record<string, string>;
  teams: { sales: string; support: string };
  /** Makes one more account, with the given roles (by name), signed in. */
  person(name: string, roleNames?: string[]): Promise<Person>;
};

export async function makeWorkspace(server: ServerInstance, clock: ManualClock): Promise<Workspace> {
  const { app } = server;
  const issued = await issueBootstrapToken(server.context.db, clock.now());
  const bootstrap = await app.inject({
    method: 'POST',
    url: '/api/auth/bootstrap',
    payload: { token: issued!.token, email: 'admin@example.com', password: PASSWORD },
  });
  const adminToken = bootstrap.json<{ value: { token: string; user: { id: string } } }>().value;
  const admin = { id: adminToken.user.id, token: adminToken.token };
  const roles = Object.fromEntries(
    (await must<RoleView[]>(app, 'GET', '/api/admin/roles', admin.token)).map((role) => [role.name, role.id]),
  );
  const person = async (name: string, roleNames: string[] = []): Promise<Person> => {
    const email = `${name}@example.com`;
    const user = await must<UserView>(app, 'POST', '/api/admin/users', admin.token, { email, password: PASSWORD });
    for (const role of roleNames)
      await must(app, 'PUT', `/api/admin/users/${user.id}/roles/${roles[role]}`, admin.token);
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: PASSWORD } });
    return { id: user.id, token: login.json<{ value: { token: string } }>().value.token };
  };
  const manager = await person('manager', ['Sales manager']);
  const rep = await person('rep', ['Sales rep']);
  const otherManager = await person('support-lead', ['Sales manager']);
  const sales = await must<TeamView>(app, 'POST', '/api/admin/teams', admin.token, { name: 'Sales' });
  const support = await must<TeamView>(app, 'POST', '/api/admin/teams', admin.token, { name: 'Support' });
  await must(app, 'PUT', `/api/admin/teams/${sales.id}/members/${manager.id}`, admin.token, { manager: true });
  await must(app, 'PUT', `/api/admin/teams/${sales.id}/members/${rep.id}`, admin.token, { manager: false });
  await must(app, 'PUT', `/api/admin/teams/${support.id}/members/${otherManager.id}`, admin.token, { manager: true });
  return { admin, manager, rep, otherManager, roles, teams: { sales: sales.id, support: support.id }, person };
}

/** The user's policy as served, verified with the workspace key. */
export async function fetchPolicy(
  app: FastifyInstance,
  token: string,
  etag?: string,
): Promise<{ status: number; etag: string; document: PolicyDocument | null }> {
  const response = await app.inject({
    method: 'GET',
    url: '/api/policy',
    headers: { ...bearer(token), ...(etag ? { 'if-none-match': etag } : {}) },
  });
  if (response.statusCode !== 200)
    return { status: response.statusCode, etag: String(response.headers.etag), document: null };
  const workspace = (await app.inject({ method: 'GET', url: '/api/workspace' })).json<{ value: WorkspaceInfo }>().value;
  const key = await importJWK(workspace.publicKeyJwk, 'EdDSA');
  const { payload } = await compactVerify(response.body, key, { algorithms: ['EdDSA'] });
  return {
    status: 200,
    etag: String(response.headers.etag),
    document: PolicyDocument.parse(JSON.parse(new TextDecoder().decode(payload))),
  };
}
