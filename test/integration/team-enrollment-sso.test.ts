import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RoleView, UserView } from '../../common/api/server-admin.js';
import type { PolicyRefreshResult, TeamServerSso, TeamSsoStarted, TeamStatus } from '../../common/api/team.js';
import { expectOk, openTestCore } from '../harness/core.js';
import type { IdpAccount } from '../harness/oidc-provider.js';
import { startSsoWorld, type SsoWorld } from '../harness/sso.js';
import { memoryKeychain, serverApi } from '../harness/team-desktop.js';
import { DatabaseFactory, type DatabaseBackend } from '../harness/team-server.js';
import { makeTempDir } from '../harness/temp-dir.js';
import { UserAgent } from '../harness/user-agent.js';

// Enrolling a desktop through the team server's single sign-on: a real core (its loopback listener,
// its PKCE verifier, its enrollment checks), a real team server and a real OpenID provider on
// 127.0.0.1; the test is the person at the browser (a fetch-based user agent on the provider's own
// login and consent pages). On SQLite and PostgreSQL.

const REP = { email: 'rep@example.com', password: 'rep passphrase of decent length' };
const PEOPLE: Record<string, IdpAccount> = {
  'sub-rep': { email: REP.email, email_verified: true },
  'sub-stranger': { email: 'stranger@example.com', email_verified: true },
};

const temp = makeTempDir('clientele-enroll-sso-');
afterAll(() => temp.remove());

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('enrollment through SSO on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => factory.dispose());
  let counter = 0;

  async function setUp(): Promise<{ world: SsoWorld; rep: UserView; salesRep: RoleView }> {
    const world = await startSsoWorld(await factory.fresh(), { accounts: PEOPLE });
    cleanups.push(() => world.close());
    const rep = await serverApi<UserView>(world.server, 'POST', '/api/admin/users', world.admin, REP);
    const roles = await serverApi<RoleView[]>(world.server, 'GET', '/api/admin/roles', world.admin);
    const salesRep = roles.find((role) => role.name === 'Sales rep')!;
    await serverApi(world.server, 'PUT', `/api/admin/users/${rep.id}/roles/${salesRep.id}`, world.admin);
    return { world, rep, salesRep };
  }

  /** A fresh profile whose core hands sign-in URLs to `opened` instead of a system browser. */
  async function desktop(opened: string[]) {
    counter += 1;
    const core = await openTestCore(join(temp.path, `${backend}-desktop-${counter}`), {
      keychain: memoryKeychain(),
      oauth: { openBrowser: (url) => void opened.push(url) },
    });
    cleanups.push(() => core.close());
    expectOk(await core.call('profile.create', { displayName: 'Rep' }));
    return core;
  }

  it('enrolls: the browser signs in at the IdP, the core exchanges the code with its verifier, pins the key and applies the policy', async () => {
    const { world, rep, salesRep } = await setUp();
    const opened: string[] = [];
    const core = await desktop(opened);
    expect(expectOk(await core.call<TeamServerSso>('team.ssoStatus', { serverUrl: world.server.url }))).toEqual({
      ssoEnabled: true,
    });

    const started = expectOk(
      await core.call<TeamSsoStarted>('team.enrollSso', {
        serverUrl: world.server.url,
        expectedFingerprint: world.server.workspaceFingerprint,
      }),
    );
    expect(started.browserOpened).toBe(true);
    expect(opened).toEqual([started.authorizationUrl]);
    const start = new URL(started.authorizationUrl);
    expect(`${start.origin}${start.pathname}`).toBe(`${world.server.url}/api/auth/sso/start`);
    expect(start.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sso\/callback$/);
    expect(start.searchParams.get('code_challenge_method')).toBe('S256');
    expect(start.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Still solo while the browser is out.
    expect(expectOk(await core.call<TeamStatus>('team.status')).enrolled).toBe(false);

    const completing = core.call<TeamStatus>('team.completeSso', { flowId: started.flowId });
    const tab = await new UserAgent().go(started.authorizationUrl, { login: 'sub-rep' });
    expect(tab.status).toBe(200);
    expect(tab.url.origin).toBe(new URL(start.searchParams.get('redirect_uri')!).origin);
    expect(tab.body).toContain('now enrolled with your team server');
    const status = expectOk(await completing);
    expect(status).toMatchObject({
      enrolled: true,
      serverUrl: world.server.url,
      userId: rep.id,
      workspaceFingerprint: world.server.workspaceFingerprint,
      policy: { version: 1 },
    });

    // The role's rights hold on the desktop: a sales rep may not export.
    expect(await core.call('contacts.export', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // The sealed session works: the admin lets the role export, the next fetch brings version 2.
    await serverApi(world.server, 'PUT', `/api/admin/roles/${salesRep.id}`, world.admin, {
      permissions: { ...salesRep.permissions, contact: { ...salesRep.permissions.contact, export: 'team' } },
    });
    const refreshed = expectOk(await core.call<PolicyRefreshResult>('team.refreshPolicy'));
    expect(refreshed).toMatchObject({ outcome: 'updated', version: 2 });
    expect(await core.call('contacts.export', {})).toMatchObject({ ok: true });

    const logins = await world.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'auth.login')
      .where('actor_user_id', '=', rep.id)
      .execute();
    expect(logins).toHaveLength(1);
    expect(JSON.parse(logins[0]!.details)).toMatchObject({ method: 'sso', subject: 'sub-rep' });
    // The loopback closed after answering.
    await expect(fetch(start.searchParams.get('redirect_uri')!)).rejects.toThrow();
  });

  it('stores nothing when the server refuses the person, and says why in the core and in the tab', async () => {
    const { world } = await setUp();
    const opened: string[] = [];
    const core = await desktop(opened);
    const started = expectOk(await core.call<TeamSsoStarted>('team.enrollSso', { serverUrl: world.server.url }));
    const completing = core.call<TeamStatus>('team.completeSso', { flowId: started.flowId });
    const tab = await new UserAgent().go(started.authorizationUrl, { login: 'sub-stranger' });
    expect(tab.body).toContain('Not enrolled');
    expect(tab.body).toContain('no account for stranger@example.com');
    const result = await completing;
    expect(result).toMatchObject({ ok: false, error: { code: 'AUTH' } });
    expect(!result.ok && result.error.message).toMatch(/no account for stranger@example\.com/);
    expect(expectOk(await core.call<TeamStatus>('team.status')).enrolled).toBe(false);
  });

  it('refuses another workspace key after the sign-in, logs the new session out and stores nothing', async () => {
    const { world, rep } = await setUp();
    const core = await desktop([]);
    const started = expectOk(
      await core.call<TeamSsoStarted>('team.enrollSso', {
        serverUrl: world.server.url,
        expectedFingerprint: 'A'.repeat(43),
      }),
    );
    const completing = core.call<TeamStatus>('team.completeSso', { flowId: started.flowId });
    const tab = await new UserAgent().go(started.authorizationUrl, { login: 'sub-rep' });
    expect(tab.body).toContain('could not finish enrolling');
    const result = await completing;
    expect(result).toMatchObject({ ok: false, error: { code: 'AUTH' } });
    expect(expectOk(await core.call<TeamStatus>('team.status')).enrolled).toBe(false);
    const sessions = await world.database.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', rep.id)
      .where('auth_method', '=', 'sso')
      .execute();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.revoked_at).not.toBeNull();
  });

  it('can be cancelled while the browser is out; a server without SSO says so', async () => {
    const { world } = await setUp();
    const core = await desktop([]);
    const started = expectOk(await core.call<TeamSsoStarted>('team.enrollSso', { serverUrl: world.server.url }));
    const completing = core.call<TeamStatus>('team.completeSso', { flowId: started.flowId });
    expect(expectOk(await core.call('team.cancelSso', { flowId: started.flowId }))).toEqual({ cancelled: true });
    expect(await completing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const loopback = new URL(started.authorizationUrl).searchParams.get('redirect_uri')!;
    await expect(fetch(loopback)).rejects.toThrow();

    await world.configure({ enabled: false });
    expect(expectOk(await core.call<TeamServerSso>('team.ssoStatus', { serverUrl: world.server.url }))).toEqual({
      ssoEnabled: false,
    });
  });
});
