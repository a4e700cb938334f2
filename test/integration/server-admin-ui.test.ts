import type { FastifyInstance } from 'fastify';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountSessionView, UserSessionView } from '../../common/api/server-admin-accounts.js';
import type { AuditActions, AuditPage, AuditVerifyView } from '../../common/api/server-admin-audit.js';
import type { RoleView, UserView } from '../../common/api/server-admin.js';
import { issueBootstrapToken } from '../../server/auth/bootstrap.js';
import { buildServer } from '../../server/http/app.js';
import { ADMIN_UI_CSP, API_CSP } from '../../server/http/security-headers.js';
import {
  bearer,
  DatabaseFactory,
  ManualClock,
  post,
  startInstance,
  type DatabaseBackend,
  type ServerInstance,
} from '../harness/team-server.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The routes the admin web UI adds (audit pages and verification, account status, a user's sessions,
// the session's 2FA state) and how the server serves the UI's build under /admin/, on SQLite and
// on a private PostgreSQL cluster.

const ADMIN = { email: 'admin@example.com', password: 'a long passphrase nobody guesses' };
const REP = { email: 'rep@example.com', password: 'rep passphrase of decent length' };

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

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('admin UI routes on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  let clock: ManualClock;
  let server: ServerInstance;
  let admin: string;
  let adminId: string;

  beforeEach(async () => {
    clock = new ManualClock();
    server = await startInstance(await factory.fresh(), clock);
    const issued = await issueBootstrapToken(server.context.db, clock.now());
    const { body } = await post(server.app, '/api/auth/bootstrap', { token: issued!.token, ...ADMIN });
    admin = body.value.token;
    adminId = body.value.user.id;
  });
  afterEach(async () => server.close());
  afterAll(() => factory.dispose());

  async function createRep(): Promise<{ id: string; token: string }> {
    const created = await send<UserView>(server.app, 'POST', '/api/admin/users', admin, REP);
    expect(created.status).toBe(201);
    const login = await post(server.app, '/api/auth/login', REP);
    return { id: created.body.value.id, token: login.body.value.token };
  }

  it('pages through the audit log newest first, with filters by action and actor', async () => {
    const rep = await createRep();
    const roles = await send<RoleView[]>(server.app, 'GET', '/api/admin/roles', admin);
    const salesRep = roles.body.value.find((role) => role.name === 'Sales rep')!;
    await send(server.app, 'PUT', `/api/admin/users/${rep.id}/roles/${salesRep.id}`, admin);
    await send(server.app, 'PUT', `/api/admin/roles/${salesRep.id}`, admin, {
      permissions: { ...salesRep.permissions, contact: { view: 'own' } },
    });
    await post(server.app, '/api/auth/login', { email: 'nobody@example.com', password: 'wrong password here' });

    const all = await send<AuditPage>(server.app, 'GET', '/api/admin/audit?limit=200', admin);
    expect(all.status).toBe(200);
    const seqs = all.body.value.entries.map((entry) => entry.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(all.body.value.next).toBeNull();
    const actions = all.body.value.entries.map((entry) => entry.action);
    expect(actions[0]).toBe('auth.login_failed');
    expect(actions).toEqual(
      expect.arrayContaining([
        'auth.admin_bootstrapped',
        'user.created',
        'role.assigned',
        'role.updated',
        'auth.login',
      ]),
    );

    // Details arrive parsed; the actor is named by email.
    const updated = all.body.value.entries.find((entry) => entry.action === 'role.updated')!;
    expect(updated.actorEmail).toBe(ADMIN.email);
    expect(updated.target).toBe(`role:${salesRep.id}`);
    expect(updated.details).toMatchObject({
      before: { permissions: { contact: { view: 'team' } } },
      after: { permissions: { contact: { view: 'own' } } },
    });
    expect(new Date(updated.at).getTime()).toBe(clock.now());

    // Keyset pages of 2: every entry once, in order, and the last page says there is no more.
    const walked: number[] = [];
    let before: number | null | undefined;
    for (let guard = 0; guard < 50 && before !== null; guard += 1) {
      const page = await send<AuditPage>(
        server.app,
        'GET',
        `/api/admin/audit?limit=2${before ? `&before=${before}` : ''}`,
        admin,
      );
      expect(page.body.value.entries.length).toBeLessThanOrEqual(2);
      walked.push(...page.body.value.entries.map((entry) => entry.seq));
      before = page.body.value.next;
    }
    expect(walked).toEqual(seqs);

    const byAction = await send<AuditPage>(server.app, 'GET', '/api/admin/audit?action=role.updated', admin);
    expect(byAction.body.value.entries.map((entry) => entry.action)).toEqual(['role.updated']);
    const byRep = await send<AuditPage>(server.app, 'GET', `/api/admin/audit?actor=${rep.id}`, admin);
    expect(byRep.body.value.entries.length).toBeGreaterThan(0);
    expect(byRep.body.value.entries.every((entry) => entry.actorUserId === rep.id)).toBe(true);
    const bySystem = await send<AuditPage>(server.app, 'GET', '/api/admin/audit?actor=system', admin);
    expect(bySystem.body.value.entries.map((entry) => entry.action)).toEqual(['auth.login_failed']);
    expect(bySystem.body.value.entries[0]!.actorEmail).toBeNull();

    const listed = await send<AuditActions>(server.app, 'GET', '/api/admin/audit/actions', admin);
    expect(listed.body.value.actions).toEqual([...new Set(actions)].sort());

    // Only admins read the log; nonsense queries are refused with a reason.
    expect((await send(server.app, 'GET', '/api/admin/audit', rep.token)).status).toBe(403);
    expect((await send(server.app, 'GET', '/api/admin/audit/actions', rep.token)).status).toBe(403);
    expect((await send(server.app, 'GET', '/api/admin/audit/verify', rep.token)).status).toBe(403);
    const tooMany = await send(server.app, 'GET', '/api/admin/audit?limit=201', admin);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error?.message).toContain('limit');
    expect((await send(server.app, 'GET', '/api/admin/audit?actor=someone', admin)).status).toBe(400);
  });

  it('verifies the chain for the audit page and names an edited entry', async () => {
    await createRep();
    const page = await send<AuditPage>(server.app, 'GET', '/api/admin/audit?limit=1', admin);
    const head = page.body.value.entries[0]!;
    const intact = await send<AuditVerifyView>(server.app, 'GET', '/api/admin/audit/verify', admin);
    expect(intact.body.value).toEqual({ ok: true, entries: head.seq, headSeq: head.seq, headHash: head.hash });

    const db = server.context.db;
    if (backend === 'postgres') await sql`DROP TRIGGER audit_log_no_update_delete ON audit_log`.execute(db);
    else {
      await sql`DROP TRIGGER audit_log_no_update`.execute(db);
      await sql`DROP TRIGGER audit_log_no_delete`.execute(db);
    }
    await sql`UPDATE audit_log SET details = '{"email":"someone@else.example"}' WHERE seq = 1`.execute(db);
    const tampered = await send<AuditVerifyView>(server.app, 'GET', '/api/admin/audit/verify', admin);
    expect(tampered.body.value).toMatchObject({ ok: false, entries: 0, problem: { kind: 'hash_mismatch', seq: 1 } });
  });

  it('disables an account (its sessions end at once) and enables it again, never the admin themself', async () => {
    const rep = await createRep();
    const disabled = await send(server.app, 'PUT', `/api/admin/users/${rep.id}/status`, admin, { disabled: true });
    expect(disabled.body.value).toEqual({ disabled: true, changed: true });
    expect((await send(server.app, 'GET', '/api/auth/session', rep.token)).status).toBe(401);
    expect((await post(server.app, '/api/auth/login', REP)).response.statusCode).toBe(401);
    const users = await send<UserView[]>(server.app, 'GET', '/api/admin/users', admin);
    expect(users.body.value.find((user) => user.id === rep.id)).toMatchObject({
      disabled: true,
      twoFactorEnabled: false,
    });
    const sessions = await send<UserSessionView[]>(server.app, 'GET', `/api/admin/users/${rep.id}/sessions`, admin);
    expect(sessions.body.value).toEqual([]);

    const again = await send(server.app, 'PUT', `/api/admin/users/${rep.id}/status`, admin, { disabled: true });
    expect(again.body.value).toEqual({ disabled: true, changed: false });
    await send(server.app, 'PUT', `/api/admin/users/${rep.id}/status`, admin, { disabled: false });
    expect((await post(server.app, '/api/auth/login', REP)).response.statusCode).toBe(200);

    const self = await send(server.app, 'PUT', `/api/admin/users/${adminId}/status`, admin, { disabled: true });
    expect(self.status).toBe(409);
    expect(self.body.error?.message).toBe('You cannot disable your own account.');
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(
      (await send(server.app, 'PUT', `/api/admin/users/${unknown}/status`, admin, { disabled: true })).status,
    ).toBe(404);
    expect(
      (await send(server.app, 'PUT', `/api/admin/users/${adminId}/status`, rep.token, { disabled: true })).status,
    ).toBe(401);

    const log = await send<AuditPage>(server.app, 'GET', `/api/admin/audit?limit=200`, admin);
    const changes = log.body.value.entries.filter((entry) => entry.action.startsWith('user.'));
    expect(changes.map((entry) => entry.action)).toEqual(['user.enabled', 'user.disabled', 'user.created']);
    expect(changes[1]!.details).toEqual({ email: REP.email, revokedSessions: 1 });
  });

  it("lists a user's live sessions without tokens, and a revoked one leaves the list", async () => {
    const rep = await createRep();
    clock.advance(60_000);
    const second = await post(server.app, '/api/auth/login', REP);
    const listed = await send<UserSessionView[]>(server.app, 'GET', `/api/admin/users/${rep.id}/sessions`, admin);
    expect(listed.body.value.map((session) => session.id)).toEqual([second.body.value.session.id, expect.any(String)]);
    expect(Object.keys(listed.body.value[0]!).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastSeenAt']);
    await send(server.app, 'DELETE', `/api/admin/sessions/${second.body.value.session.id}`, admin);
    const after = await send<UserSessionView[]>(server.app, 'GET', `/api/admin/users/${rep.id}/sessions`, admin);
    expect(after.body.value.map((session) => session.id)).not.toContain(second.body.value.session.id);
    expect(after.body.value).toHaveLength(1);
    expect((await send(server.app, 'GET', `/api/admin/users/${rep.id}/sessions`, rep.token)).status).toBe(403);
  });

  it('tells the session its 2FA state: off, then set-up required once the workspace requires it', async () => {
    const rep = await createRep();
    const off = await send<AccountSessionView>(server.app, 'GET', '/api/auth/session', rep.token);
    expect(off.body.value.secondFactor).toEqual({ enabled: false, setupRequired: false });
    // The admin may require 2FA only with 2FA of their own: set it up the way the UI does.
    const { totpCodeAt } = await import('../../server/auth/totp.js');
    const setup = await send<{ secret: string }>(server.app, 'POST', '/api/auth/totp/setup', admin);
    await send(server.app, 'POST', '/api/auth/totp/confirm', admin, {
      code: await totpCodeAt(setup.body.value.secret, clock.now()),
    });
    expect((await send(server.app, 'PUT', '/api/admin/settings', admin, { require2fa: true })).status).toBe(200);
    const required = await send<AccountSessionView>(server.app, 'GET', '/api/auth/session', rep.token);
    expect(required.body.value.secondFactor).toEqual({ enabled: false, setupRequired: true });
    const mine = await send<AccountSessionView>(server.app, 'GET', '/api/auth/session', admin);
    expect(mine.body.value.secondFactor).toEqual({ enabled: true, setupRequired: false });
    const users = await send<UserView[]>(server.app, 'GET', '/api/admin/users', admin);
    expect(users.body.value.find((user) => user.id === adminId)?.twoFactorEnabled).toBe(true);
  });

  it('tells the session what the admin pages may offer, from its roles and live grants', async () => {
    const mine = await send<AccountSessionView>(server.app, 'GET', '/api/auth/session', admin);
    expect(mine.body.value.access).toEqual({
      users: { view: 'all', create: 'all', edit: 'all' },
      settings: { view: 'all', edit: 'all' },
    });
    const rep = await createRep();
    const bare = await send<AccountSessionView>(server.app, 'GET', '/api/auth/session', rep.token);
    expect(bare.body.value.access).toEqual({
      users: { view: 'none', create: 'none', edit: 'none' },
      settings: { view: 'none', edit: 'none' },
    });
    const roles = await send<RoleView[]>(server.app, 'GET', '/api/admin/roles', admin);
    const manager = roles.body.value.find((role) => role.name === 'Sales manager')!;
    await send(server.app, 'PUT', `/api/admin/users/${rep.id}/roles/${manager.id}`, admin);
    const managing = await send<AccountSessionView>(server.app, 'GET', '/api/auth/session', rep.token);
    expect(managing.body.value.access).toEqual({
      users: { view: 'team', create: 'none', edit: 'team' },
      settings: { view: 'own', edit: 'own' },
    });
    // A live grant counts, as it does for the routes.
    const asked = await send<{ id: string }>(server.app, 'POST', '/api/grants', rep.token, {
      object: 'settings',
      action: 'view',
      scope: 'all',
      minutes: 60,
      reason: 'Check the allowlist with IT',
    });
    expect(asked.status).toBe(201);
    expect((await send(server.app, 'POST', `/api/grants/${asked.body.value.id}/approve`, admin, {})).status).toBe(200);
    const granted = await send<AccountSessionView>(server.app, 'GET', '/api/auth/session', rep.token);
    expect(granted.body.value.access.settings).toEqual({ view: 'all', edit: 'own' });
  });

  describe('the admin UI files under /admin/', () => {
    const build = makeTempDir('clientele-admin-ui-build-');
    let app: FastifyInstance;

    beforeEach(async () => {
      mkdirSync(join(build.path, 'assets'), { recursive: true });
      writeFileSync(join(build.path, 'index.html'), '<!doctype html><div id="root"></div>');
      writeFileSync(join(build.path, 'assets', 'index-AbC123.js'), 'console.log(1)');
      writeFileSync(join(build.path, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
      writeFileSync(join(build.path, 'secret.txt'), 'not a build file');
      app = buildServer(server.context, { adminUiDir: build.path });
      await app.ready();
    });
    afterEach(async () => app.close());
    afterAll(() => build.remove());

    it('answers index.html for every app path (never cached, strict CSP) and hashed assets for good', async () => {
      const root = await app.inject({ method: 'GET', url: '/admin' });
      expect(root.statusCode).toBe(302);
      expect(root.headers.location).toBe('/admin/');
      for (const url of ['/admin/', '/admin/users', '/admin/roles/1234', '/admin/setup']) {
        const page = await app.inject({ method: 'GET', url });
        expect(page.statusCode, url).toBe(200);
        expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(page.headers['content-security-policy']).toBe(ADMIN_UI_CSP);
        expect(page.headers['cache-control']).toBe('no-store');
        expect(page.body).toContain('<div id="root">');
      }
      expect(ADMIN_UI_CSP).toContain("script-src 'self'");
      expect(ADMIN_UI_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);

      const asset = await app.inject({ method: 'GET', url: '/admin/assets/index-AbC123.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      const icon = await app.inject({ method: 'GET', url: '/admin/favicon.svg' });
      expect(icon.headers['cache-control']).toBe('no-cache');

      // Missing assets, other file types and paths out of the build are not served (nor replaced by the page).
      for (const url of [
        '/admin/assets/index-missing.js',
        '/admin/secret.txt',
        '/admin/..%2f..%2fpackage.json',
        '/admin/assets/..%2f..%2f..%2fpackage.json',
        '/admin/assets/%252e%252e/%252e%252e/index.html',
      ]) {
        expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
      }
      expect((await app.inject({ method: 'GET', url: '/admin/%E0%A4%A' })).statusCode).toBe(400);
      // The API keeps its own lock-everything CSP.
      const health = await app.inject({ method: 'GET', url: '/api/health' });
      expect(health.headers['content-security-policy']).toBe(API_CSP);
      expect(health.headers['cache-control']).toBe('no-store');
    });

    it('forwards the old set-up link to the admin UI (the token rides in the fragment)', async () => {
      const setup = await app.inject({ method: 'GET', url: '/setup' });
      expect(setup.statusCode).toBe(302);
      expect(setup.headers.location).toBe('/admin/setup');
    });

    it('applies the IP allowlist to the admin pages', async () => {
      await send(server.app, 'PUT', '/api/admin/settings', admin, { ipAllowlist: ['10.0.0.0/8'] });
      const outside = await app.inject({ method: 'GET', url: '/admin/users', remoteAddress: '192.168.1.5' });
      expect(outside.statusCode).toBe(403);
      const asset = await app.inject({
        method: 'GET',
        url: '/admin/assets/index-AbC123.js',
        remoteAddress: '192.168.1.5',
      });
      expect(asset.statusCode).toBe(403);
      const inside = await app.inject({ method: 'GET', url: '/admin/users', remoteAddress: '10.2.3.4' });
      expect(inside.statusCode).toBe(200);
    });

    it('says the UI is not built rather than serving nothing', async () => {
      const bare = buildServer(server.context, { adminUiDir: join(build.path, 'nowhere') });
      const page = await bare.inject({ method: 'GET', url: '/admin/users' });
      expect(page.statusCode).toBe(503);
      expect(page.json<Body<unknown>>().error?.message).toContain('npm run build');
      await bare.close();
    });
  });
});
