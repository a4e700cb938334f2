import type { Kysely } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { UserView, RoleView } from '../../common/api/server-admin.js';
import type { LogoutOutput } from '../../common/api/server-auth.js';
import type { SsoConfigView } from '../../common/api/server-sso.js';
import { NO_PASSWORD } from '../../server/auth/no-password.js';
import { SessionStore } from '../../server/auth/sessions.js';
import { hashToken } from '../../server/auth/tokens.js';
import { openDatabase } from '../../server/db/database.js';
import { MIGRATIONS } from '../../server/db/migrations/index.js';
import { appliedVersions, migrate } from '../../server/db/migrator.js';
import { totpCodeAt } from '../../server/auth/totp.js';
import { readSsoConfig } from '../../server/sso/sso-config.js';
import { loadServerSecrets } from '../../server/secrets/load-secrets.js';
import { placeOf, USER_TOTP_SECRET } from '../../server/secrets/sealed-columns.js';
import { DatabaseFactory, TEST_SECRET_KEY, type DatabaseBackend } from '../harness/team-server.js';
import { serverApi } from '../harness/team-desktop.js';
import { SSO_ADMIN, startSsoWorld, type SsoWorld } from '../harness/sso.js';
import type { IdpAccount } from '../harness/oidc-provider.js';
import { UserAgent, type Page } from '../harness/user-agent.js';

// The team server as an OpenID Connect relying party, against a real oidc-provider on 127.0.0.1, with
// a fetch-based browser that signs in on the provider's own login and consent pages. Every case runs
// on SQLite and on a private PostgreSQL cluster.

const REP = { email: 'rep@example.com', password: 'rep passphrase of decent length' };
const PEOPLE: Record<string, IdpAccount> = {
  'sub-admin': { email: SSO_ADMIN.email, email_verified: true },
  'sub-rep': { email: REP.email, email_verified: true },
  'sub-new': { email: 'newcomer@example.com', email_verified: true },
  'sub-unverified': { email: 'rep@example.com', email_verified: false },
  'sub-outsider': { email: 'someone@elsewhere.org', email_verified: true },
};
const MINUTE = 60_000;

type Body<T> = { ok: boolean; value: T; error?: { code: string; message: string } };
type AuditRow = { action: string; actor: string | null; target: string | null; details: Record<string, unknown> };

const isCallback = (url: URL): boolean => url.pathname === '/api/auth/sso/callback';

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('single sign-on on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  let world: SsoWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });
  afterAll(() => factory.dispose());

  async function start(options: Parameters<typeof startSsoWorld>[1] = {}): Promise<SsoWorld> {
    world = await startSsoWorld(await factory.fresh(), { accounts: PEOPLE, ...options });
    return world;
  }

  const startUrl = (w: SsoWorld): string => `${w.server.url}/api/auth/sso/start`;

  async function audit(w: SsoWorld, action?: string): Promise<AuditRow[]> {
    const rows = await w.database.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    return rows
      .filter((row) => action === undefined || row.action === action)
      .map((row) => ({
        action: row.action,
        actor: row.actor_user_id,
        target: row.target,
        details: JSON.parse(row.details) as Record<string, unknown>,
      }));
  }

  async function createRep(w: SsoWorld): Promise<UserView> {
    return serverApi<UserView>(w.server, 'POST', '/api/admin/users', w.admin, REP);
  }

  async function sessionOf(
    w: SsoWorld,
    agent: UserAgent,
  ): Promise<{ status: number; body: Body<{ user: { email: string } }> }> {
    const response = await agent.request(new URL(`${w.server.url}/api/auth/session`));
    return { status: response.status, body: (await response.json()) as Body<{ user: { email: string } }> };
  }

  /** Runs a sign-in up to the callback, which it does not load: the test decides what to do with it. */
  async function upToCallback(w: SsoWorld, agent: UserAgent, login: string): Promise<URL> {
    const page = await agent.go(startUrl(w), { login, stopBefore: isCallback });
    expect(page.stoppedAt, 'the IdP redirected back to the server').toBeDefined();
    return page.stoppedAt!;
  }

  function expectRefused(page: Page, status: number, words: RegExp): void {
    expect(page.status).toBe(status);
    expect(page.body).toMatch(words);
    expect(page.headers.getSetCookie().some((cookie) => cookie.startsWith('clientele_session='))).toBe(false);
  }

  it('upgrades a database of the previous version: its sessions stay valid as password sessions, SSO starts off', async () => {
    const database = openDatabase(await factory.fresh());
    try {
      const now = Date.now();
      await migrate(
        database.db,
        database.kind,
        () => now,
        MIGRATIONS.filter((m) => m.version < 6),
      );
      // Rows written by the previous version, without the columns 0006 adds.
      await database.db
        .insertInto('users')
        .values({
          id: 'u1',
          email: 'a@example.com',
          email_normalized: 'a@example.com',
          password_hash: 'x',
          is_admin: 0,
          created_at: now,
          disabled_at: null,
        })
        .execute();
      const session = {
        id: 's1',
        token_hash: hashToken('old-token'),
        user_id: 'u1',
        created_at: now,
        last_seen_at: now,
        expires_at: now + MINUTE,
        revoked_at: null,
      };
      await (database.db as unknown as Kysely<{ sessions: typeof session }>)
        .insertInto('sessions')
        .values(session)
        .execute();

      expect(await migrate(database.db, database.kind, () => now)).toEqual(
        MIGRATIONS.filter((m) => m.version >= 6).map((m) => m.version),
      );
      expect(await appliedVersions(database.db)).toEqual(MIGRATIONS.map((m) => m.version));
      const active = await new SessionStore(database.db).authenticate('old-token', now);
      expect(active?.session).toMatchObject({ id: 's1', auth_method: 'password' });
      const config = await database.db.selectFrom('sso_config').selectAll().executeTakeFirstOrThrow();
      expect(config).toMatchObject({ enabled: 0, client_secret_sealed: null, allowed_email_domains: '[]' });
    } finally {
      await database.close();
    }
  });

  it('seals a client secret that 0006 stored in clear (0008), and reads it back through the key', async () => {
    const database = openDatabase(await factory.fresh());
    try {
      const now = Date.now();
      await migrate(
        database.db,
        database.kind,
        () => now,
        MIGRATIONS.filter((m) => m.version < 8),
      );
      const plain = 'a-client-secret-kept-in-clear-by-0006';
      await (database.db as unknown as Kysely<{ sso_config: { client_secret: string; singleton: number } }>)
        .updateTable('sso_config')
        .set({ client_secret: plain })
        .where('singleton', '=', 1)
        .execute();
      const source = { kind: 'text', text: TEST_SECRET_KEY, origin: 'the test key' } as const;
      const { secrets } = await loadServerSecrets(database.db, source);
      // Without the key there is something to seal, so the upgrade refuses rather than leave it in clear.
      await expect(migrate(database.db, database.kind, () => now)).rejects.toThrow(/needs the server secret key/);
      // 0008 and whatever came after it.
      expect(await migrate(database.db, database.kind, () => now, undefined, { secrets })).toEqual(
        MIGRATIONS.map((m) => m.version).filter((version) => version >= 8),
      );

      const row = await database.db.selectFrom('sso_config').selectAll().executeTakeFirstOrThrow();
      expect(row.client_secret_sealed).toMatch(new RegExp(`^v1\\.${secrets.keyId}\\.`));
      expect(JSON.stringify(row)).not.toContain(plain);
      expect((await readSsoConfig({ db: database.db, secrets })).clientSecret).toBe(plain);
      // Bound to its place: the sealed text does not open as another column's value.
      expect(secrets.open(row.client_secret_sealed!, placeOf(USER_TOTP_SECRET, '1')).ok).toBe(false);
    } finally {
      await database.close();
    }
  });

  it('signs a user in through the IdP: the session cookie, a refresh to /admin/, the link by subject, the audit', async () => {
    const w = await start();
    const status = await (await fetch(`${w.server.url}/api/auth/sso/status`)).json();
    expect(status).toEqual({ ok: true, value: { enabled: true } });

    const agent = new UserAgent();
    const page = await agent.go(startUrl(w), { login: 'sub-admin' });
    expect(page.status).toBe(200);
    expect(isCallback(page.url)).toBe(true);
    expect(page.body).toContain('<meta http-equiv="refresh" content="0; url=/admin/">');
    expect(page.body).toContain(`signed in as ${SSO_ADMIN.email}`);
    const cookies = page.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith('clientele_session='))).toMatch(/HttpOnly; SameSite=Strict/);
    // The browser binding cookie is spent with the sign-in.
    expect(cookies.find((c) => c.startsWith('clientele_sso_'))).toMatch(/Max-Age=0/);

    const session = await sessionOf(w, agent);
    expect(session.status).toBe(200);
    expect(session.body.value.user.email).toBe(SSO_ADMIN.email);

    const identities = await w.database.db.selectFrom('user_identities').selectAll().execute();
    expect(identities).toHaveLength(1);
    expect(identities[0]).toMatchObject({ issuer: w.idp.issuer, subject: 'sub-admin', email: SSO_ADMIN.email });
    const [login] = await audit(w, 'auth.login');
    expect(login!.details).toMatchObject({
      method: 'sso',
      issuer: w.idp.issuer,
      subject: 'sub-admin',
      ip: '127.0.0.1',
    });
    expect((await audit(w, 'user.sso_linked'))[0]!.details).toMatchObject({ subject: 'sub-admin' });
    const sessions = await w.database.db.selectFrom('sessions').select('auth_method').execute();
    expect(sessions.map((s) => s.auth_method).sort()).toEqual(['password', 'sso']);

    // A second sign-in rotates: the session the browser carried is revoked.
    const firstToken = agent.cookies(w.server.url).clientele_session!;
    await agent.go(startUrl(w), { login: 'sub-admin' });
    expect(agent.cookies(w.server.url).clientele_session).not.toBe(firstToken);
    const old = await fetch(`${w.server.url}/api/auth/session`, { headers: { authorization: `Bearer ${firstToken}` } });
    expect(old.status).toBe(401);
    expect(await w.database.db.selectFrom('user_identities').selectAll().execute()).toHaveLength(1);
  });

  it('works as well with an IdP that puts the email in the ID token (no userinfo request)', async () => {
    const w = await start({ claimsInIdToken: true });
    const agent = new UserAgent();
    expect((await agent.go(startUrl(w), { login: 'sub-admin' })).status).toBe(200);
    expect((await sessionOf(w, agent)).body.value.user.email).toBe(SSO_ADMIN.email);
  });

  it('keeps the client secret write-only and checks the configuration an admin saves', async () => {
    const w = await start();
    const config = await serverApi<SsoConfigView>(w.server, 'GET', '/api/admin/sso', w.admin);
    expect(config).toEqual({
      enabled: true,
      issuer: w.idp.issuer,
      clientId: w.idp.clientId,
      clientSecretSet: true,
      allowedEmailDomains: ['example.com'],
      autoProvision: false,
      defaultRoleId: null,
      redirectUri: `${w.server.url}/api/auth/sso/callback`,
      postLogoutRedirectUri: `${w.server.url}/admin/`,
      backchannelLogoutUri: `${w.server.url}/api/auth/sso/backchannel-logout`,
    });
    const raw = await fetch(`${w.server.url}/api/admin/sso`, { headers: { authorization: `Bearer ${w.admin}` } });
    expect(await raw.text()).not.toContain(w.idp.clientSecret);

    const put = async (body: unknown, token = w.admin) => {
      const response = await fetch(`${w.server.url}/api/admin/sso`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Body<SsoConfigView> };
    };
    expect((await put({ allowedEmailDomains: [] })).body.error?.message).toMatch(/at least one mail domain/);
    expect((await put({ issuer: 'http://idp.example.com' })).status).toBe(400);
    expect((await put({ allowedEmailDomains: ['@example.com'] })).status).toBe(400);
    expect((await put({ defaultRoleId: '00000000-0000-4000-8000-000000000000' })).status).toBe(400);
    // A new issuer must answer discovery before it is saved.
    const unreachable = await put({ issuer: 'http://127.0.0.1:9/' });
    expect(unreachable.status).toBe(503);
    expect((await serverApi<SsoConfigView>(w.server, 'GET', '/api/admin/sso', w.admin)).issuer).toBe(w.idp.issuer);

    await createRep(w);
    const rep = (await (
      await fetch(`${w.server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(REP),
      })
    ).json()) as Body<{ token: string }>;
    expect((await put({ enabled: false }, rep.value.token)).status).toBe(403);

    expect((await put({ clientSecret: 'a new secret', autoProvision: true })).status).toBe(200);
    const changes = await audit(w, 'sso.config_changed');
    expect(changes.at(-1)!.details).toEqual({
      clientSecret: { changed: true },
      autoProvision: { from: false, to: true },
    });
    const everything = JSON.stringify(await w.database.db.selectFrom('audit_log').selectAll().execute());
    expect(everything).not.toContain(w.idp.clientSecret);
    expect(everything).not.toContain('a new secret');
    // Sealed at rest with the server secret key, like the other secrets.
    const stored = JSON.stringify(await w.database.db.selectFrom('sso_config').selectAll().execute());
    expect(stored).toMatch(/"client_secret_sealed":"v1\./);
    expect(stored).not.toContain('a new secret');

    // Off: the status says so and a start is refused.
    expect((await put({ enabled: false })).status).toBe(200);
    expect(await (await fetch(`${w.server.url}/api/auth/sso/status`)).json()).toEqual({
      ok: true,
      value: { enabled: false },
    });
    expect((await new UserAgent().go(startUrl(w))).status).toBe(404);
  });

  it('refuses a wrong state and a replayed callback, and audits both', async () => {
    const w = await start();
    const agent = new UserAgent();
    const callback = await upToCallback(w, agent, 'sub-admin');

    const forged = new URL(callback);
    forged.searchParams.set('state', 'x'.repeat(43));
    expectRefused(await agent.go(forged), 400, /unknown here/);

    const first = await agent.go(callback);
    expect(first.status).toBe(200);
    expectRefused(await agent.go(callback), 400, /already used/);

    const failures = await audit(w, 'auth.login_failed');
    expect(failures.map((f) => f.details.reason)).toEqual(['state_unknown', 'state_replayed']);
    expect(failures.every((f) => f.details.method === 'sso')).toBe(true);
  });

  it('refuses a callback opened in a browser that did not start the sign-in (login CSRF)', async () => {
    const w = await start();
    const attacker = new UserAgent();
    const callback = await upToCallback(w, attacker, 'sub-rep');
    const victim = new UserAgent();
    expectRefused(await victim.go(callback), 400, /started in another browser/);
    expect((await sessionOf(w, victim)).status).toBe(401);
    expect((await audit(w, 'auth.login_failed'))[0]!.details.reason).toBe('browser_mismatch');
  });

  it('refuses a code replayed into another sign-in', async () => {
    const w = await start();
    const agent = new UserAgent();
    const used = await upToCallback(w, agent, 'sub-admin');
    expect((await agent.go(used)).status).toBe(200);

    // A second sign-in's state with the first one's (spent) code: the IdP refuses the code.
    const second = await upToCallback(w, agent, 'sub-admin');
    const spliced = new URL(second);
    spliced.searchParams.set('code', used.searchParams.get('code')!);
    const page = await agent.go(spliced);
    expect(page.status).toBe(403);
    expect(page.body).toMatch(/answer was refused/);
    const [failure] = await audit(w, 'auth.login_failed');
    expect(failure!.details).toMatchObject({ reason: 'token_rejected', error: 'invalid_grant' });
    expect(await audit(w, 'auth.login')).toHaveLength(1);
  });

  it('refuses an ID token whose nonce is not the one the server sent', async () => {
    const w = await start();
    const agent = new UserAgent();
    const toIdp = await agent.go(startUrl(w), { stopBefore: (url) => url.origin === w.idp.issuer });
    const tampered = new URL(toIdp.stoppedAt!);
    expect(tampered.searchParams.get('nonce')).toBeTruthy();
    expect(tampered.searchParams.get('code_challenge_method')).toBe('S256');
    tampered.searchParams.set('nonce', 'a-nonce-the-server-never-issued');
    const page = await agent.go(tampered, { login: 'sub-admin' });
    expect(page.status).toBe(403);
    const [failure] = await audit(w, 'auth.login_failed');
    expect(failure!.details).toMatchObject({ reason: 'token_rejected', claim: 'nonce' });
    expect((await sessionOf(w, agent)).status).toBe(401);
  });

  it('refuses an unverified email and a domain that is not allowed', async () => {
    const w = await start();
    await createRep(w);
    const unverified = await new UserAgent().go(startUrl(w), { login: 'sub-unverified' });
    expectRefused(unverified, 403, /did not confirm your email/);
    const outsider = await new UserAgent().go(startUrl(w), { login: 'sub-outsider' });
    expectRefused(outsider, 403, /elsewhere\.org may not sign in/);
    const failures = await audit(w, 'auth.login_failed');
    expect(failures.map((f) => f.details.reason)).toEqual(['email_not_verified', 'email_domain_not_allowed']);
    expect(failures[1]!.details).toMatchObject({ email: 'someone@elsewhere.org', subject: 'sub-outsider' });
    // Nothing was linked to the rep by the unverified address.
    expect(await w.database.db.selectFrom('user_identities').selectAll().execute()).toEqual([]);
  });

  it('refuses a disabled user, before and after linking', async () => {
    const w = await start();
    const rep = await createRep(w);
    const disable = (at: number | null) =>
      w.database.db.updateTable('users').set({ disabled_at: at }).where('id', '=', rep.id).execute();
    await disable(w.clock.now());
    expectRefused(await new UserAgent().go(startUrl(w), { login: 'sub-rep' }), 403, /disabled/);
    expect(await w.database.db.selectFrom('user_identities').selectAll().execute()).toEqual([]);

    await disable(null);
    expect((await new UserAgent().go(startUrl(w), { login: 'sub-rep' })).status).toBe(200);
    await disable(w.clock.now());
    expectRefused(await new UserAgent().go(startUrl(w), { login: 'sub-rep' }), 403, /disabled/);
    const failures = await audit(w, 'auth.login_failed');
    expect(failures.map((f) => [f.details.reason, f.actor])).toEqual([
      ['account_disabled', rep.id],
      ['account_disabled', rep.id],
    ]);
  });

  it('refuses an unknown email while auto-provisioning is off; with it on, makes the user with the default role and no password', async () => {
    const w = await start();
    expectRefused(
      await new UserAgent().go(startUrl(w), { login: 'sub-new' }),
      403,
      /no account for newcomer@example.com/,
    );
    expect((await audit(w, 'auth.login_failed'))[0]!.details.reason).toBe('unknown_account');

    const roles = await serverApi<RoleView[]>(w.server, 'GET', '/api/admin/roles', w.admin);
    const salesRep = roles.find((role) => role.name === 'Sales rep')!;
    await w.configure({ autoProvision: true, defaultRoleId: salesRep.id });
    const agent = new UserAgent();
    expect((await agent.go(startUrl(w), { login: 'sub-new' })).status).toBe(200);

    const users = await serverApi<UserView[]>(w.server, 'GET', '/api/admin/users', w.admin);
    const newcomer = users.find((user) => user.email === 'newcomer@example.com')!;
    expect(newcomer).toMatchObject({ isAdmin: false, disabled: false, roleIds: [salesRep.id] });
    const row = await w.database.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', newcomer.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toBe(NO_PASSWORD);
    expect((await audit(w, 'user.created'))[0]).toMatchObject({
      actor: null,
      target: `user:${newcomer.id}`,
      details: { email: 'newcomer@example.com', via: 'sso', subject: 'sub-new' },
    });
    expect((await audit(w, 'role.assigned')).at(-1)!.details).toEqual({ roleId: salesRep.id, via: 'sso' });
    expect((await audit(w, 'auth.login')).at(-1)!.details).toMatchObject({ method: 'sso', provisioned: true });

    // The new session fetches the policy of the default role.
    const policy = await agent.request(new URL(`${w.server.url}/api/policy`));
    expect(policy.status).toBe(200);
    // No password opens the account: the answer is the generic one, the audit says why.
    const password = await fetch(`${w.server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'newcomer@example.com', password: NO_PASSWORD }),
    });
    expect(password.status).toBe(401);
    expect((await audit(w, 'auth.login_failed')).at(-1)!.details.reason).toBe('no_password');
  });

  it('finds a linked user by subject when the IdP changes the email, and refuses a second subject for one account', async () => {
    const w = await start();
    const rep = await createRep(w);
    const agent = new UserAgent();
    expect((await agent.go(startUrl(w), { login: 'sub-rep' })).status).toBe(200);

    // The IdP now gives the rep's subject the admin's address: the rep stays the rep.
    w.idp.accounts.set('sub-rep', { email: SSO_ADMIN.email, email_verified: true });
    const moved = new UserAgent();
    expect((await moved.go(startUrl(w), { login: 'sub-rep' })).status).toBe(200);
    expect((await sessionOf(w, moved)).body.value.user.email).toBe(REP.email);
    const link = await w.database.db
      .selectFrom('user_identities')
      .selectAll()
      .where('subject', '=', 'sub-rep')
      .executeTakeFirstOrThrow();
    expect(link).toMatchObject({ user_id: rep.id, email: SSO_ADMIN.email });

    // Another subject with the rep's address can't take over the linked account.
    w.idp.accounts.set('sub-impostor', { email: REP.email, email_verified: true });
    expectRefused(await new UserAgent().go(startUrl(w), { login: 'sub-impostor' }), 403, /linked to another identity/);
    expect((await audit(w, 'auth.login_failed')).at(-1)!.details).toMatchObject({
      reason: 'identity_conflict',
      subject: 'sub-impostor',
    });
  });

  it('lets a pending sign-in expire after 10 minutes', async () => {
    const w = await start();
    const agent = new UserAgent();
    const callback = await upToCallback(w, agent, 'sub-admin');
    w.clock.advance(10 * MINUTE + 1);
    expectRefused(await agent.go(callback), 400, /has expired/);
    expect((await audit(w, 'auth.login_failed'))[0]!.details.reason).toBe('state_expired');
  });

  it('leaves 2FA to the IdP: under "require 2FA" an SSO session works where a password session is held back; SSO neither counts nor clears the login throttle', async () => {
    const w = await start();
    await createRep(w);
    // The admin turns on 2FA for themself, then requires it.
    const { secret } = await serverApi<{ secret: string }>(w.server, 'POST', '/api/auth/totp/setup', w.admin, {});
    await serverApi(w.server, 'POST', '/api/auth/totp/confirm', w.admin, {
      code: await totpCodeAt(secret, w.clock.now()),
    });
    await serverApi(w.server, 'PUT', '/api/admin/settings', w.admin, { require2fa: true });

    const login = async (password: string) => {
      const response = await fetch(`${w.server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: REP.email, password }),
      });
      return {
        status: response.status,
        body: (await response.json()) as Body<{ token: string; secondFactor?: string }>,
      };
    };
    const byPassword = await login(REP.password);
    expect(byPassword.body.value.secondFactor).toBe('setup_required');
    const held = await fetch(`${w.server.url}/api/policy`, {
      headers: { authorization: `Bearer ${byPassword.body.value.token}` },
    });
    expect(held.status).toBe(403);

    const agent = new UserAgent();
    expect((await agent.go(startUrl(w), { login: 'sub-rep' })).status).toBe(200);
    expect((await agent.request(new URL(`${w.server.url}/api/policy`))).status).toBe(200);

    // Six wrong passwords: the throttle holds the account. SSO still signs in, and leaves the count.
    for (let i = 0; i < 6; i += 1) await login('wrong password number ' + String(i));
    expect((await login(REP.password)).status).toBe(429);
    expect((await new UserAgent().go(startUrl(w), { login: 'sub-rep' })).status).toBe(200);
    expect((await login(REP.password)).status).toBe(429);
  });

  it('hands a desktop a one-time code for its loopback, exchanged once and only with its PKCE verifier', async () => {
    const w = await start();
    const verifier = 'v'.repeat(43);
    const { createHash } = await import('node:crypto');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = 'http://127.0.0.1:9/sso/callback';
    const desktopStart = (params: Record<string, string>): string =>
      `${startUrl(w)}?${new URLSearchParams(params).toString()}`;
    const params = {
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'desktop-state-0123456789',
    };

    // Only a loopback address of this computer may receive the code.
    for (const bad of [
      'http://localhost:9/cb',
      'https://127.0.0.1:9/cb',
      'http://evil.example.com:9/cb',
      'http://127.0.0.1:9/cb?x=1',
    ]) {
      const refused = await new UserAgent().go(desktopStart({ ...params, redirect_uri: bad }));
      expect(refused.status, bad).toBe(400);
    }
    expect((await new UserAgent().go(desktopStart({ ...params, code_challenge_method: 'plain' }))).status).toBe(400);

    const agent = new UserAgent();
    const arrived = await agent.go(desktopStart(params), {
      login: 'sub-rep',
      stopBefore: (url) => url.href.startsWith(redirectUri),
    });
    // (No account for the rep yet: the loopback is told why, with the desktop's state.)
    expect(arrived.stoppedAt!.searchParams.get('error')).toBe('access_denied');
    expect(arrived.stoppedAt!.searchParams.get('error_description')).toMatch(/no account for rep@example.com/);
    expect(arrived.stoppedAt!.searchParams.get('state')).toBe(params.state);

    await createRep(w);
    const loopback = (
      await agent.go(desktopStart(params), { login: 'sub-rep', stopBefore: (url) => url.href.startsWith(redirectUri) })
    ).stoppedAt!;
    expect(loopback.searchParams.get('state')).toBe(params.state);
    const code = loopback.searchParams.get('code')!;
    expect(code).toBeTruthy();
    // No session for the browser: the desktop gets it.
    expect(agent.cookies(w.server.url).clientele_session).toBeUndefined();

    const exchange = async (body: Record<string, string>) => {
      const response = await fetch(`${w.server.url}/api/auth/sso/exchange`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return {
        status: response.status,
        body: (await response.json()) as Body<{ token: string; user: { email: string } }>,
      };
    };
    const wrongVerifier = await exchange({ code, codeVerifier: 'w'.repeat(43), redirectUri });
    expect(wrongVerifier.status).toBe(401);
    // The wrong verifier spent the code: the right one comes too late.
    expect((await exchange({ code, codeVerifier: verifier, redirectUri })).status).toBe(401);

    const next = (
      await agent.go(desktopStart(params), { login: 'sub-rep', stopBefore: (url) => url.href.startsWith(redirectUri) })
    ).stoppedAt!;
    const good = await exchange({ code: next.searchParams.get('code')!, codeVerifier: verifier, redirectUri });
    expect(good.status).toBe(200);
    expect(good.body.value.user.email).toBe(REP.email);
    const session = await fetch(`${w.server.url}/api/auth/session`, {
      headers: { authorization: `Bearer ${good.body.value.token}` },
    });
    expect(session.status).toBe(200);
    expect((await exchange({ code: next.searchParams.get('code')!, codeVerifier: verifier, redirectUri })).status).toBe(
      401,
    );

    const failures = (await audit(w, 'auth.login_failed')).map((f) => f.details.reason);
    expect(failures).toEqual(['unknown_account', 'verifier_mismatch', 'code_invalid', 'code_invalid']);
    expect((await audit(w, 'auth.login')).at(-1)!.details).toMatchObject({ method: 'sso', subject: 'sub-rep' });
  });
  const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

  /** The IdP's back-channel call, as the provider makes it: a form with logout_token. */
  async function postLogoutToken(w: SsoWorld, form: Record<string, string>): Promise<{ status: number; body: string }> {
    const response = await fetch(`${w.server.url}/api/auth/sso/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, body: await response.text() };
  }

  async function ssoSignIn(w: SsoWorld, login = 'sub-admin'): Promise<UserAgent> {
    const agent = new UserAgent();
    expect((await agent.go(startUrl(w), { login })).status).toBe(200);
    return agent;
  }

  async function passwordSignIn(w: SsoWorld): Promise<UserAgent> {
    const agent = new UserAgent();
    const response = await agent.request(new URL(`${w.server.url}/api/auth/login`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SSO_ADMIN),
    });
    expect(response.status).toBe(200);
    return agent;
  }

  const signedIn = async (w: SsoWorld, agent: UserAgent): Promise<boolean> =>
    (await sessionOf(w, agent)).status === 200;

  async function logout(w: SsoWorld, agent: UserAgent): Promise<LogoutOutput> {
    const response = await agent.request(new URL(`${w.server.url}/api/auth/logout`), { method: 'POST' });
    expect(response.status).toBe(200);
    return ((await response.json()) as Body<LogoutOutput>).value;
  }

  /** Whether the IdP still knows this browser: a new sign-in goes straight back, or shows its login page. */
  async function idpRemembers(w: SsoWorld, agent: UserAgent): Promise<boolean> {
    const page = await agent.go(startUrl(w), { stopBefore: isCallback });
    if (page.stoppedAt) return true;
    expect(page.url.origin, 'the sign-in stopped at the IdP').toBe(new URL(w.idp.issuer).origin);
    expect(page.body).toMatch(/name="prompt" value="login"/);
    return false;
  }

  it('signs out at the IdP too: the logout names its end-session page with the sealed ID token as hint, and a new SSO sign-in asks again', async () => {
    const w = await start();
    const agent = new UserAgent();
    expect((await agent.go(startUrl(w), { login: 'sub-admin' })).status).toBe(200);
    const [kept] = await w.database.db.selectFrom('sso_sessions').selectAll().execute();
    const session = await w.database.db.selectFrom('sessions').selectAll().where('auth_method', '=', 'sso').execute();
    expect(kept).toMatchObject({ session_id: session[0]!.id, issuer: w.idp.issuer });
    // Sealed: no JWT (base64url of '{"') in the column.
    expect(kept!.id_token_sealed).not.toMatch(/eyJ/);
    expect(await idpRemembers(w, agent), 'signed in at the IdP').toBe(true);

    const out = await logout(w, agent);
    expect(out.revoked).toBe(true);
    const end = new URL(out.endSessionUrl!);
    expect(`${end.origin}${end.pathname}`).toBe(`${w.idp.issuer}/session/end`);
    expect(end.searchParams.get('client_id')).toBe(w.idp.clientId);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${w.server.url}/admin/`);
    const hint = end.searchParams.get('id_token_hint')!.split('.');
    const claims = JSON.parse(Buffer.from(hint[1]!, 'base64url').toString()) as { aud: string; sub: string };
    expect(claims).toMatchObject({ aud: w.idp.clientId, sub: 'sub-admin' });
    // Spent: a second logout has nothing to end, here or there.
    expect(await w.database.db.selectFrom('sso_sessions').selectAll().execute()).toEqual([]);
    expect(await logout(w, agent)).toEqual({ revoked: false, endSessionUrl: null });
    expect((await audit(w, 'auth.logout'))[0]!.details).toEqual({ method: 'sso', idpSignOut: true });

    // The IdP checks the hint and the return address, asks, and comes back to the admin pages.
    const back = await agent.go(end, { confirmSignOut: true });
    expect(back.status).toBe(200);
    expect(back.url.href).toBe(`${w.server.url}/admin/`);
    expect(await idpRemembers(w, agent), 'signed out at the IdP').toBe(false);
    expect((await sessionOf(w, agent)).status).toBe(401);
  });

  it('ends only the local session when there is nowhere to go: a password session, SSO turned off since, the IdP gone', async () => {
    const w = await start();
    const password = await passwordSignIn(w);
    expect(await logout(w, password)).toEqual({ revoked: true, endSessionUrl: null });
    expect((await audit(w, 'auth.logout'))[0]!.details).toEqual({ method: 'password' });

    const turnedOff = await ssoSignIn(w);
    await w.configure({ enabled: false });
    expect(await logout(w, turnedOff)).toEqual({ revoked: true, endSessionUrl: null });
    expect(await w.database.db.selectFrom('sso_sessions').selectAll().execute()).toEqual([]);
    await w.configure({ enabled: true });

    // The IdP unreachable (and forgotten: another instance, or the cache expired): signed out here all the same.
    const stranded = await ssoSignIn(w);
    await w.idp.close();
    w.clock.advance(11 * MINUTE);
    expect(await logout(w, stranded)).toEqual({ revoked: true, endSessionUrl: null });
    expect((await sessionOf(w, stranded)).status).toBe(401);
  });

  it('drops the kept ID tokens of sessions that ended another way at the next SSO sign-in', async () => {
    const w = await start();
    await ssoSignIn(w);
    const [ended] = await w.database.db.selectFrom('sso_sessions').select('session_id').execute();
    await serverApi(w.server, 'DELETE', `/api/admin/sessions/${ended!.session_id}`, w.admin);
    await ssoSignIn(w);
    const kept = await w.database.db.selectFrom('sso_sessions').select('session_id').execute();
    expect(kept).toHaveLength(1);
    expect(kept[0]!.session_id).not.toBe(ended!.session_id);
  });
  it('ends the session a sign-out at the IdP names (back-channel logout by sid): that browser only, and no password session', async () => {
    const w = await start();
    const first = await ssoSignIn(w);
    const second = await ssoSignIn(w);
    const password = await passwordSignIn(w);
    const sids = (await w.database.db.selectFrom('sso_sessions').select('sid').execute()).map((row) => row.sid);
    expect(sids).toHaveLength(2);
    expect(sids[0]).toEqual(expect.any(String));
    expect(sids[0]).not.toBe(sids[1]);

    // The person signs out at the IdP itself, not here: the IdP calls the server.
    const idpPage = await first.go(`${w.idp.issuer}/session/end`, { confirmSignOut: true });
    expect(idpPage.status).toBe(200);
    expect(w.idp.backchannel).toEqual({ delivered: 1, errors: [] });
    expect(await signedIn(w, first)).toBe(false);
    expect(await signedIn(w, second)).toBe(true);
    expect(await signedIn(w, password)).toBe(true);
    const [ended] = await audit(w, 'auth.sso_logout');
    expect(ended).toMatchObject({ details: { issuer: w.idp.issuer, revokedSessions: 1 } });
    expect(ended!.details.sid).toEqual(expect.any(String));

    // The server's own sign-out sends the browser to the IdP, which calls back for a session already ended: 200 all the same.
    const out = await logout(w, second);
    await second.go(out.endSessionUrl!, { confirmSignOut: true });
    expect(w.idp.backchannel).toEqual({ delivered: 2, errors: [] });
    expect(await audit(w, 'auth.sso_logout')).toHaveLength(1);
  });

  it('ends every SSO session of a person a logout token names by subject alone, but none opened after it (a replay ends nothing new)', async () => {
    const w = await start();
    const [first, second, password] = [await ssoSignIn(w), await ssoSignIn(w), await passwordSignIn(w)];
    const token = await w.idp.sign({
      iss: w.idp.issuer,
      aud: w.idp.clientId,
      iat: Math.floor(w.clock.now() / 1000),
      jti: 'logout-1',
      sub: 'sub-admin',
      events: { [BACKCHANNEL_EVENT]: {} },
    });
    expect(await postLogoutToken(w, { logout_token: token })).toEqual({ status: 200, body: '' });
    expect([await signedIn(w, first), await signedIn(w, second), await signedIn(w, password)]).toEqual([
      false,
      false,
      true,
    ]);
    expect((await audit(w, 'auth.sso_logout'))[0]!.details).toEqual({
      issuer: w.idp.issuer,
      subject: 'sub-admin',
      revokedSessions: 2,
    });

    w.clock.advance(2 * MINUTE);
    const later = await ssoSignIn(w);
    expect((await postLogoutToken(w, { logout_token: token })).status).toBe(200);
    expect(await signedIn(w, later)).toBe(true);
    expect(await audit(w, 'auth.sso_logout')).toHaveLength(1);
  });

  it('refuses what is not a logout token of its IdP (400 invalid_request) and ends nothing', async () => {
    const w = await start();
    const agent = await ssoSignIn(w);
    const now = Math.floor(w.clock.now() / 1000);
    const claims = {
      iss: w.idp.issuer,
      aud: w.idp.clientId,
      iat: now,
      jti: 'j',
      sub: 'sub-admin',
      events: { [BACKCHANNEL_EVENT]: {} },
    };
    const { events: _events, ...noEvent } = claims;
    const { sub: _sub, ...nobody } = claims;
    const cases: [string, Promise<string> | string, RegExp][] = [
      [
        'another key',
        w.idp.sign(claims, { foreignKey: true }),
        /does not verify \(ERR_JWS_SIGNATURE_VERIFICATION_FAILED\)/,
      ],
      [
        'another audience',
        w.idp.sign({ ...claims, aud: 'someone-else' }),
        /does not verify \(ERR_JWT_CLAIM_VALIDATION_FAILED\)/,
      ],
      ['another issuer', w.idp.sign({ ...claims, iss: 'https://evil.example' }), /ERR_JWT_CLAIM_VALIDATION_FAILED/],
      ['too old', w.idp.sign({ ...claims, iat: now - 12 * 60 }), /ERR_JWT_EXPIRED/],
      ['no jti', w.idp.sign({ ...claims, jti: undefined }), /ERR_JWT_CLAIM_VALIDATION_FAILED/],
      ['no event', w.idp.sign(noEvent), /back-channel logout event/],
      ['an ID token', w.idp.sign({ ...claims, nonce: 'n' }), /carries a nonce/],
      ['nobody named', w.idp.sign(nobody), /neither a session \(sid\) nor a person \(sub\)/],
      ['not a JWT', 'not.a.jwt', /does not verify/],
    ];
    for (const [what, token, why] of cases) {
      const answer = await postLogoutToken(w, { logout_token: await token });
      expect(answer.status, what).toBe(400);
      const body = JSON.parse(answer.body) as { error: string; error_description: string };
      expect(body.error, what).toBe('invalid_request');
      expect(body.error_description, what).toMatch(why);
    }
    expect((await postLogoutToken(w, {})).status).toBe(400);
    expect(await signedIn(w, agent)).toBe(true);

    await w.configure({ enabled: false });
    const off = await postLogoutToken(w, { logout_token: await w.idp.sign(claims) });
    expect(off.status).toBe(400);
    expect(off.body).toContain('Single sign-on is off');
    expect(await signedIn(w, agent)).toBe(true);
    expect(await audit(w, 'auth.sso_logout')).toEqual([]);
  });
});
