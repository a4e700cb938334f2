import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RoleView, TeamView, UserView } from '../../common/api/server-admin.js';
import type { GrantView } from '../../common/api/server-grants.js';
import { issueBootstrapToken } from '../../server/auth/bootstrap.js';
import { makeServerContext } from '../../server/context.js';
import { openDatabase, type OpenDatabase } from '../../server/db/database.js';
import { migrate } from '../../server/db/migrator.js';
import { buildServer } from '../../server/http/app.js';
import { loadServerSecrets } from '../../server/secrets/load-secrets.js';
import { bearer, DatabaseFactory, ManualClock, TEST_SECRET_KEY, type DatabaseBackend } from '../harness/team-server.js';

// The authorization matrix of the team server: every route the app actually registers (collected
// with an onRoute hook) x every kind of caller, each answered with the exact status written in the
// table below. The table is this test's own statement of who may do what, written from the product
// rules, not read from server/http/route-access.ts: a wrong rule there fails here. A route without
// a row here, or a row for a route that no longer exists, fails the test.

const IDENTITIES = ['anonymous', 'no role', 'Sales rep', 'Sales manager', 'Admin', 'users:view only'] as const;
type Identity = (typeof IDENTITIES)[number];

const PASSWORD = 'a long passphrase nobody guesses';
const NEW_PASSWORD = 'another passphrase set in the matrix';

/** What the fixture made: the ids the requests name. */
type Fixture = {
  tokens: Record<Exclude<Identity, 'anonymous'>, string>;
  users: Record<'rep' | 'norole' | 'target' | 'outsider', string>;
  roles: Record<'salesRep' | 'viewer' | 'unused', string>;
  salesTeam: string;
  /** A team nobody belongs to and with no sub-teams: the one a delete may take. */
  spareTeam: string;
  repSecondSession: string;
  grants: Record<'toApprove' | 'toDeny' | 'toCancel' | 'toRevoke', string>;
};

type Request = { url: string; payload?: object };
type Row = {
  request: (fx: Fixture) => Request;
  /** Status per caller; a missing caller means the same as `rest`. */
  expect: Partial<Record<Identity, number>> & { rest: number };
};

const signedIn = (status: number) => ({ anonymous: 401, rest: status });
const adminOnly = (status: number) => ({ anonymous: 401, Admin: status, rest: 403 });
/** users:edit over the team (Sales manager) or everyone (Admin). */
const userEditors = (status: number) => ({ anonymous: 401, Admin: status, 'Sales manager': status, rest: 403 });
/** users:view at any scope. */
const userViewers = (status: number) => ({
  anonymous: 401,
  Admin: status,
  'Sales manager': status,
  'users:view only': status,
  rest: 403,
});

/**
 * In order: the requests of one caller run one after another on one fixture, so the order keeps
 * them independent (the 2FA confirm before the set-up, logout last).
 */
const TABLE: Record<string, Row> = {
  'GET /api/health': { request: () => ({ url: '/api/health' }), expect: { rest: 200 } },
  // Old set-up links redirect to the admin UI; its files are public (the API decides what they show).
  'GET /setup': { request: () => ({ url: '/setup' }), expect: { rest: 302 } },
  'GET /admin': { request: () => ({ url: '/admin' }), expect: { rest: 302 } },
  'GET /admin/*': { request: () => ({ url: '/admin/users' }), expect: { rest: 200 } },
  // Single sign-on is the way in: public. Not configured here, so start finds nothing to start.
  'GET /api/auth/sso/status': { request: () => ({ url: '/api/auth/sso/status' }), expect: { rest: 200 } },
  'GET /api/auth/sso/start': { request: () => ({ url: '/api/auth/sso/start' }), expect: { rest: 404 } },
  'GET /api/auth/sso/callback': { request: () => ({ url: '/api/auth/sso/callback' }), expect: { rest: 400 } },
  'POST /api/auth/sso/exchange': {
    request: () => ({
      url: '/api/auth/sso/exchange',
      payload: { code: 'x'.repeat(43), codeVerifier: 'v'.repeat(43), redirectUri: 'http://127.0.0.1:9/cb' },
    }),
    expect: { rest: 401 },
  },
  // The IdP's call, a form: anything else is refused whoever sends it (no session is looked at).
  'POST /api/auth/sso/backchannel-logout': {
    request: () => ({ url: '/api/auth/sso/backchannel-logout', payload: { logout_token: 'a.b.c' } }),
    expect: { rest: 400 },
  },
  'GET /api/workspace': { request: () => ({ url: '/api/workspace' }), expect: { rest: 200 } },
  // The link is spent: everyone gets AUTH.
  'POST /api/auth/bootstrap': {
    request: () => ({
      url: '/api/auth/bootstrap',
      payload: { token: 'x'.repeat(43), email: 'b@e.com', password: PASSWORD },
    }),
    expect: { rest: 401 },
  },
  'POST /api/auth/login': {
    request: () => ({ url: '/api/auth/login', payload: { email: 'rep@example.com', password: 'wrong password here' } }),
    expect: { rest: 401 },
  }, // Public: the challenge a sign-in with a temporary password got is the proof; a made-up one opens nothing.
  'POST /api/auth/new-password': {
    request: () => ({
      url: '/api/auth/new-password',
      payload: { challenge: 'x'.repeat(43), newPassword: NEW_PASSWORD },
    }),
    expect: { rest: 401 },
  },

  'POST /api/auth/second-factor': {
    request: () => ({ url: '/api/auth/second-factor', payload: { challenge: 'no such challenge', code: '123456' } }),
    expect: { rest: 401 },
  },
  'GET /api/auth/session': { request: () => ({ url: '/api/auth/session' }), expect: signedIn(200) },
  // No set-up started: 409, for anyone signed in.
  'POST /api/auth/totp/confirm': {
    request: () => ({ url: '/api/auth/totp/confirm', payload: { code: '123456' } }),
    expect: signedIn(409),
  },
  'POST /api/auth/totp/setup': { request: () => ({ url: '/api/auth/totp/setup', payload: {} }), expect: signedIn(200) },
  // 2FA is not on: 409.
  'POST /api/auth/totp/disable': {
    request: () => ({ url: '/api/auth/totp/disable', payload: { code: '123456' } }),
    expect: signedIn(409),
  },
  'GET /api/policy': { request: () => ({ url: '/api/policy' }), expect: signedIn(200) },
  'POST /api/audit/events': {
    request: () => ({
      url: '/api/audit/events',
      payload: { events: [{ id: randomUUID(), at: new Date().toISOString(), kind: 'call.forbidden', detail: {} }] },
    }),
    expect: signedIn(200),
  },

  'GET /api/admin/roles': { request: () => ({ url: '/api/admin/roles' }), expect: userViewers(200) },
  // Roles reach every holder: only users:edit for the whole workspace.
  'POST /api/admin/roles': {
    request: () => ({
      url: '/api/admin/roles',
      payload: { name: 'Matrix role', permissions: { contact: { view: 'own' } } },
    }),
    expect: adminOnly(201),
  },
  'PUT /api/admin/roles/:id': {
    request: (fx) => ({ url: `/api/admin/roles/${fx.roles.viewer}`, payload: { name: 'Directory' } }),
    expect: adminOnly(200),
  },
  // A role nobody holds.
  'DELETE /api/admin/roles/:id': {
    request: (fx) => ({ url: `/api/admin/roles/${fx.roles.unused}` }),
    expect: adminOnly(200),
  },
  // A role within the manager's own rights, to a member of the team they manage.
  'PUT /api/admin/users/:userId/roles/:roleId': {
    request: (fx) => ({ url: `/api/admin/users/${fx.users.target}/roles/${fx.roles.salesRep}` }),
    expect: userEditors(200),
  },
  'DELETE /api/admin/users/:userId/roles/:roleId': {
    request: (fx) => ({ url: `/api/admin/users/${fx.users.rep}/roles/${fx.roles.salesRep}` }),
    expect: userEditors(200),
  },
  'GET /api/admin/users': { request: () => ({ url: '/api/admin/users' }), expect: userViewers(200) },
  'POST /api/admin/users': {
    request: () => ({ url: '/api/admin/users', payload: { email: 'new@example.com', password: PASSWORD } }),
    expect: adminOnly(201),
  },
  // Disabling locks a person out: the whole workspace's users:edit only.
  'PUT /api/admin/users/:userId/status': {
    request: (fx) => ({ url: `/api/admin/users/${fx.users.outsider}/status`, payload: { disabled: false } }),
    expect: adminOnly(200),
  },
  // A user the manager reaches (their team's rep).
  'GET /api/admin/users/:userId/sessions': {
    request: (fx) => ({ url: `/api/admin/users/${fx.users.rep}/sessions` }),
    expect: userViewers(200),
  },
  // Account recovery on a member of the manager's team who holds no role (so nobody is above anyone
  // here); a rep and a directory viewer lack users:edit. The target has no 2FA: past authorization, 409.
  'PUT /api/admin/users/:userId/password': {
    request: (fx) => ({ url: `/api/admin/users/${fx.users.target}/password`, payload: { newPassword: NEW_PASSWORD } }),
    expect: userEditors(200),
  },
  'DELETE /api/admin/users/:userId/second-factor': {
    request: (fx) => ({ url: `/api/admin/users/${fx.users.target}/second-factor` }),
    expect: userEditors(409),
  },
  // No identity is linked in the fixture: past authorization, an empty list and 404.
  'GET /api/admin/users/:userId/identities': {
    request: (fx) => ({ url: `/api/admin/users/${fx.users.rep}/identities` }),
    expect: userViewers(200),
  },
  'DELETE /api/admin/users/:userId/identities/:identityId': {
    request: (fx) => ({ url: `/api/admin/users/${fx.users.target}/identities/${randomUUID()}` }),
    expect: userEditors(404),
  },
  'GET /api/admin/teams': { request: () => ({ url: '/api/admin/teams' }), expect: userViewers(200) },
  // Membership decides what 'team' reaches: the whole workspace's users:edit only.
  'POST /api/admin/teams': {
    request: () => ({ url: '/api/admin/teams', payload: { name: 'Matrix' } }),
    expect: adminOnly(201),
  },
  'PUT /api/admin/teams/:teamId': {
    request: (fx) => ({ url: `/api/admin/teams/${fx.salesTeam}`, payload: { name: 'Field sales' } }),
    expect: adminOnly(200),
  },
  'DELETE /api/admin/teams/:teamId': {
    request: (fx) => ({ url: `/api/admin/teams/${fx.spareTeam}` }),
    expect: adminOnly(200),
  },
  'PUT /api/admin/teams/:teamId/members/:userId': {
    request: (fx) => ({
      url: `/api/admin/teams/${fx.salesTeam}/members/${fx.users.outsider}`,
      payload: { manager: true },
    }),
    expect: adminOnly(200),
  },
  'DELETE /api/admin/teams/:teamId/members/:userId': {
    request: (fx) => ({ url: `/api/admin/teams/${fx.salesTeam}/members/${fx.users.norole}` }),
    expect: adminOnly(200),
  },
  // The rep's other session: the manager reaches the rep (their team).
  'DELETE /api/admin/sessions/:id': {
    request: (fx) => ({ url: `/api/admin/sessions/${fx.repSecondSession}` }),
    expect: userEditors(200),
  },
  // Workspace settings: settings at scope 'all'; a manager's and a rep's 'own' is their desktop.
  'GET /api/admin/settings': { request: () => ({ url: '/api/admin/settings' }), expect: adminOnly(200) },
  'PUT /api/admin/settings': {
    request: () => ({ url: '/api/admin/settings', payload: { grantMaxMinutes: 240 } }),
    expect: adminOnly(200),
  },
  // The IdP configuration and the audit log are workspace-wide, like the settings.
  'GET /api/admin/sso': { request: () => ({ url: '/api/admin/sso' }), expect: adminOnly(200) },
  'PUT /api/admin/sso': {
    request: () => ({ url: '/api/admin/sso', payload: { autoProvision: false } }),
    expect: adminOnly(200),
  },
  'GET /api/admin/audit': { request: () => ({ url: '/api/admin/audit' }), expect: adminOnly(200) },
  'GET /api/admin/audit/actions': { request: () => ({ url: '/api/admin/audit/actions' }), expect: adminOnly(200) },
  'GET /api/admin/audit/verify': { request: () => ({ url: '/api/admin/audit/verify' }), expect: adminOnly(200) },

  // Anyone signed in may ask; who already holds task export (manager: team, Admin: all) is told so.
  'POST /api/grants': {
    request: () => ({
      url: '/api/grants',
      payload: { object: 'task', action: 'export', scope: 'own', minutes: 60, reason: 'quarterly review' },
    }),
    expect: { anonymous: 401, 'Sales manager': 409, Admin: 409, rest: 201 },
  },
  'GET /api/grants/mine': { request: () => ({ url: '/api/grants/mine' }), expect: signedIn(200) },
  // The rep's own request: anyone else is told there is no such request of theirs.
  'POST /api/grants/:id/cancel': {
    request: (fx) => ({ url: `/api/grants/${fx.grants.toCancel}/cancel`, payload: {} }),
    expect: { anonymous: 401, 'Sales rep': 200, rest: 404 },
  },
  'GET /api/grants/pending': { request: () => ({ url: '/api/grants/pending' }), expect: userEditors(200) },
  'GET /api/grants/active': { request: () => ({ url: '/api/grants/active' }), expect: userEditors(200) },
  'GET /api/grants/history': { request: () => ({ url: '/api/grants/history' }), expect: userEditors(200) },
  'POST /api/grants/:id/approve': {
    request: (fx) => ({ url: `/api/grants/${fx.grants.toApprove}/approve`, payload: { minutes: 30 } }),
    expect: userEditors(200),
  },
  'POST /api/grants/:id/deny': {
    request: (fx) => ({ url: `/api/grants/${fx.grants.toDeny}/deny`, payload: { note: 'not now' } }),
    expect: userEditors(200),
  },
  'POST /api/grants/:id/revoke': {
    request: (fx) => ({ url: `/api/grants/${fx.grants.toRevoke}/revoke`, payload: {} }),
    expect: userEditors(200),
  },

  // Anyone signed in changes their own password (this session stays); late, as it ends their others.
  'POST /api/auth/password': {
    request: () => ({ url: '/api/auth/password', payload: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }),
    expect: signedIn(200),
  },

  // Public, and last: it ends the caller's session.
  'POST /api/auth/logout': { request: () => ({ url: '/api/auth/logout', payload: {} }), expect: { rest: 200 } },
};

type Body<T> = { ok: boolean; value: T; error?: { code: string; message: string } };

async function call<T>(app: FastifyInstance, method: string, url: string, token: string | null, payload?: object) {
  const response = await app.inject({
    method: method as 'GET',
    url,
    headers: token ? bearer(token) : {},
    ...(payload === undefined ? {} : { payload }),
  });
  const json = response.body !== '' && String(response.headers['content-type'] ?? '').startsWith('application/json');
  return { status: response.statusCode, body: json ? response.json<Body<T>>() : undefined };
}

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('server authorization matrix on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  let open: OpenDatabase | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await open?.close();
    app = undefined;
    open = undefined;
  });
  afterAll(() => factory.dispose());

  /** A server on a fresh database, not yet ready, with the routes it registered. */
  async function build(): Promise<{ app: FastifyInstance; routes: string[] }> {
    const clock = new ManualClock();
    open = openDatabase(await factory.fresh());
    const source = { kind: 'text', text: TEST_SECRET_KEY, origin: 'the test key' } as const;
    const { secrets } = await loadServerSecrets(open.db, source);
    await migrate(open.db, open.kind, clock.now, undefined, { secrets });
    const context = await makeServerContext(open.db, open.kind, clock, secrets);
    const routes: string[] = [];
    app = buildServer(context, { onRoute: ({ method, url }) => routes.push(`${method} ${url}`) });
    return { app, routes };
  }

  /** Ready, with the first admin made through the setup link; returns the admin's token. */
  async function start(): Promise<{ app: FastifyInstance; routes: string[]; admin: string }> {
    const built = await build();
    await built.app.ready();
    const bootstrap = await issueBootstrapToken(open!.db, Date.now());
    const admin = await call<{ token: string }>(built.app, 'POST', '/api/auth/bootstrap', null, {
      token: bootstrap!.token,
      email: 'admin@example.com',
      password: PASSWORD,
    });
    return { ...built, admin: admin.body!.value.token };
  }

  /** The workspace every caller meets: a Sales team managed by the manager, a rep's requests waiting. */
  async function makeFixture(server: FastifyInstance, admin: string): Promise<Fixture> {
    const ok = async <T>(method: string, url: string, token: string, payload?: object): Promise<T> => {
      const answer = await call<T>(server, method, url, token, payload);
      expect(answer.body?.ok, `${method} ${url}: ${answer.body?.error?.message}`).toBe(true);
      return answer.body!.value;
    };
    const user = async (name: string) =>
      (await ok<UserView>('POST', '/api/admin/users', admin, { email: `${name}@example.com`, password: PASSWORD })).id;
    const login = (name: string) =>
      ok<{ token: string; session: { id: string } }>('POST', '/api/auth/login', '', {
        email: `${name}@example.com`,
        password: PASSWORD,
      });
    const [manager, rep, norole, viewer, target, outsider] = [
      await user('manager'),
      await user('rep'),
      await user('norole'),
      await user('viewer'),
      await user('target'),
      await user('outsider'),
    ];
    const roles = await ok<RoleView[]>('GET', '/api/admin/roles', admin);
    const byName = (name: string) => roles.find((role) => role.name === name)!.id;
    const viewerRole = await ok<RoleView>('POST', '/api/admin/roles', admin, {
      name: 'Directory viewer',
      permissions: { users: { view: 'all' } },
    });
    const unusedRole = await ok<RoleView>('POST', '/api/admin/roles', admin, {
      name: 'Unused',
      permissions: { contact: { view: 'own' } },
    });
    await ok('PUT', `/api/admin/users/${manager}/roles/${byName('Sales manager')}`, admin);
    await ok('PUT', `/api/admin/users/${rep}/roles/${byName('Sales rep')}`, admin);
    await ok('PUT', `/api/admin/users/${viewer}/roles/${viewerRole.id}`, admin);
    const sales = await ok<TeamView>('POST', '/api/admin/teams', admin, { name: 'Sales' });
    const spare = await ok<TeamView>('POST', '/api/admin/teams', admin, { name: 'Spare' });
    await ok('PUT', `/api/admin/teams/${sales.id}/members/${manager}`, admin, { manager: true });
    for (const member of [rep, norole, target]) {
      await ok('PUT', `/api/admin/teams/${sales.id}/members/${member}`, admin, { manager: false });
    }
    const repToken = (await login('rep')).token;
    const ask = async (object: string) =>
      (
        await ok<GrantView>('POST', '/api/grants', repToken, {
          object,
          action: 'export',
          scope: 'own',
          minutes: 60,
          reason: 'a customer asked for a copy',
        })
      ).id;
    const grants = {
      toApprove: await ask('contact'),
      toDeny: await ask('company'),
      toCancel: await ask('deal'),
      toRevoke: await ask('note'),
    };
    await ok('POST', `/api/grants/${grants.toRevoke}/approve`, admin, {});
    return {
      tokens: {
        'no role': (await login('norole')).token,
        'Sales rep': repToken,
        'Sales manager': (await login('manager')).token,
        Admin: admin,
        'users:view only': (await login('viewer')).token,
      },
      users: { rep, norole, target, outsider },
      roles: { salesRep: byName('Sales rep'), viewer: viewerRole.id, unused: unusedRole.id },
      salesTeam: sales.id,
      spareTeam: spare.id,
      repSecondSession: (await login('rep')).session.id,
      grants,
    };
  }

  it('has a row for every route the app registers, and no row for a route it lacks', async () => {
    const { routes } = await start();
    const declared = routes.filter((route) => !route.startsWith('HEAD '));
    for (const route of declared) expect(Object.keys(TABLE), `${route} has no row in the matrix`).toContain(route);
    for (const row of Object.keys(TABLE)) expect(declared, `the row ${row} names no route`).toContain(row);
    // Fastify answers HEAD for every GET: those are checked with their GET's row.
    expect(routes.filter((route) => route.startsWith('HEAD ')).sort()).toEqual(
      declared
        .filter((route) => route.startsWith('GET '))
        .map((route) => route.replace('GET', 'HEAD'))
        .sort(),
    );
  });

  it.each(IDENTITIES)('answers every route for %s with the status the table states', async (identity) => {
    const { app: server, routes, admin } = await start();
    const fixture = await makeFixture(server, admin);
    const token = identity === 'anonymous' ? null : fixture.tokens[identity];
    let checked = 0;
    for (const [route, row] of Object.entries(TABLE)) {
      expect(routes, route).toContain(route);
      const [method, pattern] = route.split(' ') as [string, string];
      const { url, payload } = row.request(fixture);
      const expected = row.expect[identity] ?? row.expect.rest;
      if (method === 'GET') {
        // The HEAD twin first: it must answer like the GET (and must not change anything).
        const head = await call(server, 'HEAD', url, token);
        expect(head.status, `HEAD ${pattern} as ${identity}`).toBe(expected);
      }
      const answer = await call(server, method, url, token, payload);
      expect(answer.status, `${route} as ${identity}: ${answer.body?.error?.message}`).toBe(expected);
      // A refusal for want of a session (not a public route's own AUTH answer) says so.
      if (expected === 401 && row.expect.rest !== 401) {
        expect(answer.body?.error?.code, route).toBe('UNAUTHENTICATED');
      }
      if (expected === 403) expect(answer.body?.error?.code, route).toBe('FORBIDDEN');
      checked += 1;
    }
    expect(checked).toBe(Object.keys(TABLE).length);
  });

  it('refuses at start a route registered without a declaration', async () => {
    const { app: server } = await build();
    expect(() => server.get('/api/undeclared', async () => 'open')).toThrow(
      'The route GET /api/undeclared declares no access',
    );
    expect(() => server.route({ method: ['GET', 'POST'], url: '/api/health', handler: async () => 'x' })).toThrow(
      'The route POST /api/health declares no access',
    );
  });
});
