import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOOTSTRAP_TOKEN_TTL_MS, issueBootstrapToken } from '../../server/auth/bootstrap.js';
import { delayAfter, THROTTLE_POLICY } from '../../server/auth/login-throttle.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { SESSION_POLICY } from '../../server/auth/sessions.js';
import { newId } from '../../server/auth/tokens.js';
import { appliedVersions, migrate } from '../../server/db/migrator.js';
import { MIGRATIONS, type Migration } from '../../server/db/migrations/index.js';
import type { DatabaseTarget } from '../../server/db/database.js';
import {
  bearer,
  DatabaseFactory,
  get,
  ManualClock,
  post,
  startInstance,
  type DatabaseBackend,
  type ServerInstance,
} from '../harness/team-server.js';

const ADMIN_EMAIL = 'Ada.Admin@Example.com';
const ADMIN_PASSWORD = 'a long passphrase nobody guesses';
const GENERIC = { code: 'AUTH', message: 'The email or password is incorrect.' };

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('team server identity on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  let clock: ManualClock;
  let target: DatabaseTarget;
  let server: ServerInstance;
  const extraInstances: ServerInstance[] = [];

  beforeEach(async () => {
    clock = new ManualClock();
    target = await factory.fresh();
    server = await startInstance(target, clock);
  });
  afterEach(async () => {
    for (const instance of extraInstances.splice(0)) await instance.close();
    await server.close();
  });
  afterAll(() => factory.dispose());

  async function bootstrapAdmin(): Promise<string> {
    const issued = await issueBootstrapToken(server.context.db, clock.now());
    const { response, body } = await post(server.app, '/api/auth/bootstrap', {
      token: issued!.token,
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
    });
    expect(response.statusCode).toBe(201);
    return body.value.token;
  }

  async function addUser(email: string, password: string, disabled = false): Promise<void> {
    await server.context.db
      .insertInto('users')
      .values({
        id: newId(),
        email,
        email_normalized: email.toLowerCase(),
        password_hash: await hashPassword(password),
        is_admin: 0,
        created_at: clock.now(),
        disabled_at: disabled ? clock.now() : null,
      })
      .execute();
  }

  function login(email: string, password: string, headers: Record<string, string> = {}) {
    return post(server.app, '/api/auth/login', { email, password }, headers);
  }

  describe('migrations', () => {
    it('build every table from an empty database, record the version, and do nothing the second time', async () => {
      expect(await appliedVersions(server.context.db)).toEqual(MIGRATIONS.map((m) => m.version));
      for (const table of ['users', 'sessions', 'login_attempts', 'bootstrap_tokens'] as const) {
        expect(await server.context.db.selectFrom(table).selectAll().execute()).toEqual([]);
      }
      expect(await migrate(server.context.db, server.context.kind, clock.now)).toEqual([]);
      expect(await appliedVersions(server.context.db)).toEqual(MIGRATIONS.map((m) => m.version));
    });

    it('roll a failing migration back whole, leaving the recorded version where it was', async () => {
      const failing: Migration = {
        version: 999,
        name: '0999_broken',
        up: async (db) => {
          await db.schema.createTable('half_made').addColumn('id', 'text').execute();
          throw new Error('boom');
        },
      };
      await expect(
        migrate(server.context.db, server.context.kind, clock.now, [...MIGRATIONS, failing]),
      ).rejects.toThrow('boom');
      expect(await appliedVersions(server.context.db)).toEqual(MIGRATIONS.map((m) => m.version));
      const tables = await server.context.db.introspection.getTables();
      expect(tables.map((table) => table.name)).not.toContain('half_made');
    });
  });

  describe('bootstrap link', () => {
    it('creates the first admin once, signs them in with a strict HttpOnly cookie, and is dead afterwards', async () => {
      const issued = await issueBootstrapToken(server.context.db, clock.now());
      expect(issued).toBeDefined();
      const stored = await server.context.db.selectFrom('bootstrap_tokens').select('token_hash').execute();
      expect(stored.map((row) => row.token_hash)).not.toContain(issued!.token);

      const first = await post(server.app, '/api/auth/bootstrap', {
        token: issued!.token,
        email: ADMIN_EMAIL,
        password: ADMIN_PASSWORD,
      });
      expect(first.response.statusCode).toBe(201);
      expect(first.body.value.user).toMatchObject({ email: ADMIN_EMAIL, isAdmin: true });
      const cookie = String(first.response.headers['set-cookie']);
      expect(cookie).toMatch(/^clientele_session=[\w-]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
      expect((await get(server.app, '/api/auth/session', bearer(first.body.value.token))).body.value.user.email).toBe(
        ADMIN_EMAIL,
      );

      const again = await post(server.app, '/api/auth/bootstrap', {
        token: issued!.token,
        email: 'someone.else@example.com',
        password: 'another long passphrase',
      });
      expect(again.response.statusCode).toBe(401);
      expect(again.body.error?.code).toBe('AUTH');
      expect(await issueBootstrapToken(server.context.db, clock.now())).toBeUndefined();
    });

    it('refuses an expired link', async () => {
      const issued = await issueBootstrapToken(server.context.db, clock.now());
      clock.advance(BOOTSTRAP_TOKEN_TTL_MS);
      const { response, body } = await post(server.app, '/api/auth/bootstrap', {
        token: issued!.token,
        email: ADMIN_EMAIL,
        password: ADMIN_PASSWORD,
      });
      expect(response.statusCode).toBe(401);
      expect(body.error?.code).toBe('AUTH');
      expect(await server.context.db.selectFrom('users').selectAll().execute()).toEqual([]);
    });

    it('does not spend the link on a refused password, and every other link dies with the first admin', async () => {
      const issued = await issueBootstrapToken(server.context.db, clock.now());
      const other = await issueBootstrapToken(server.context.db, clock.now());
      const weak = await post(server.app, '/api/auth/bootstrap', {
        token: issued!.token,
        email: ADMIN_EMAIL,
        password: 'password1',
      });
      expect(weak.response.statusCode).toBe(400);
      const good = await post(server.app, '/api/auth/bootstrap', {
        token: issued!.token,
        email: ADMIN_EMAIL,
        password: ADMIN_PASSWORD,
      });
      expect(good.response.statusCode).toBe(201);
      const second = await post(server.app, '/api/auth/bootstrap', {
        token: other!.token,
        email: 'second.admin@example.com',
        password: 'another long passphrase',
      });
      expect(second.response.statusCode).toBe(401);
    });
  });

  describe('password rules (ASVS 5)', () => {
    async function tryPassword(password: string, email = ADMIN_EMAIL) {
      const issued = await issueBootstrapToken(server.context.db, clock.now());
      return post(server.app, '/api/auth/bootstrap', { token: issued!.token, email, password });
    }

    it.each([
      ['shorter than 8 characters', 'k9#Qz!2'],
      ['a common password', 'trustno1'],
      ['a common password in another case', 'IloveYou'],
      ['the email itself', 'ada.admin@example.com'],
      ['longer than 256 characters', 'x'.repeat(257)],
    ])('refuses a password that is %s', async (_rule, password) => {
      const { response, body } = await tryPassword(password);
      expect(response.statusCode).toBe(400);
      expect(body).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    });

    it('accepts a long Unicode password without composition rules, counted in characters, and logs in with it', async () => {
      // 8 emoji are 16 UTF-16 units but 8 characters: accepted, no digit or capital required.
      expect((await tryPassword('🦊🦊🦊🦊🦊🦊🦊🦊')).response.statusCode).toBe(201);
      await server.close();
      target = await factory.fresh();
      server = await startInstance(target, clock);
      const long = 'ünïcødé パスワード 密码 ключ 🔑 '.repeat(8);
      expect([...long].length).toBeGreaterThan(128);
      expect((await tryPassword(long)).response.statusCode).toBe(201);
      expect((await login(ADMIN_EMAIL, long)).response.statusCode).toBe(200);
    });
  });

  describe('login', () => {
    it('signs in with any case of the email and returns a bearer token that the session route accepts', async () => {
      await bootstrapAdmin();
      const { response, body } = await login('ada.admin@EXAMPLE.com', ADMIN_PASSWORD);
      expect(response.statusCode).toBe(200);
      expect(body.value.user).toMatchObject({ email: ADMIN_EMAIL, isAdmin: true });
      const session = await get(server.app, '/api/auth/session', bearer(body.value.token));
      expect(session.body.value.session.id).toBe(body.value.session.id);
      const cookie = String(response.headers['set-cookie']).split(';')[0]!;
      expect((await get(server.app, '/api/auth/session', { cookie })).response.statusCode).toBe(200);
    });

    it('answers a wrong password, an unknown email and a disabled account with the same generic error', async () => {
      await bootstrapAdmin();
      await addUser('disabled@example.com', 'disabled user passphrase', true);
      const answers = await Promise.all([
        login(ADMIN_EMAIL, 'not the right passphrase'),
        login('nobody@example.com', 'not the right passphrase'),
        login('disabled@example.com', 'disabled user passphrase'),
      ]);
      for (const { response, body } of answers) {
        expect(response.statusCode).toBe(401);
        expect(body).toEqual({ ok: false, error: GENERIC });
      }
    });

    it('refuses a malformed body with VALIDATION and the error shape', async () => {
      const { response, body } = await post(server.app, '/api/auth/login', { email: 'a@example.com' });
      expect(response.statusCode).toBe(400);
      expect(body).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    });
  });

  describe('lockout and rate limit', () => {
    async function failOnce(email: string, instance = server) {
      return post(instance.app, '/api/auth/login', { email, password: 'wrong wrong wrong' });
    }

    it('lets 5 failures through, then makes each next try wait longer, even with the right password', async () => {
      await bootstrapAdmin();
      for (let i = 0; i < THROTTLE_POLICY.freeFailures; i += 1)
        expect((await failOnce(ADMIN_EMAIL)).response.statusCode).toBe(401);

      const throttled = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
      expect(throttled.response.statusCode).toBe(429);
      expect(throttled.body.error).toMatchObject({ code: 'RATE_LIMIT', retryAfterMs: 1000 });
      expect(throttled.response.headers['retry-after']).toBe('1');

      clock.advance(1000);
      expect((await failOnce(ADMIN_EMAIL)).response.statusCode).toBe(401);
      expect((await failOnce(ADMIN_EMAIL)).body.error).toMatchObject({ code: 'RATE_LIMIT', retryAfterMs: 2000 });
      clock.advance(1999);
      expect((await login(ADMIN_EMAIL, ADMIN_PASSWORD)).response.statusCode).toBe(429);
      clock.advance(1);
      expect((await login(ADMIN_EMAIL, ADMIN_PASSWORD)).response.statusCode).toBe(200);
      // A success starts the account afresh.
      expect((await failOnce(ADMIN_EMAIL)).response.statusCode).toBe(401);
    });

    it('counts a burst of parallel failures one by one: only the 5 free ones reach the password check', async () => {
      await bootstrapAdmin();
      const answers = await Promise.all(Array.from({ length: 20 }, () => failOnce(ADMIN_EMAIL)));
      const statuses = answers.map(({ response }) => response.statusCode).sort();
      expect(statuses.filter((status) => status === 401)).toHaveLength(THROTTLE_POLICY.freeFailures);
      expect(statuses.filter((status) => status === 429)).toHaveLength(20 - THROTTLE_POLICY.freeFailures);
      const recorded = await server.context.db.selectFrom('login_attempts').selectAll().execute();
      expect(recorded).toHaveLength(THROTTLE_POLICY.freeFailures);
    });

    it('throttles unknown emails exactly like real ones, so throttling reveals no account', async () => {
      await bootstrapAdmin();
      for (let i = 0; i < THROTTLE_POLICY.freeFailures; i += 1) {
        await failOnce(ADMIN_EMAIL);
        await failOnce('ghost@example.com');
      }
      const real = await failOnce(ADMIN_EMAIL);
      const ghost = await failOnce('ghost@example.com');
      expect(real.response.statusCode).toBe(429);
      expect(ghost.body).toEqual(real.body);
    });

    it('locks the account after 100 failures within the hour until they age out', async () => {
      await bootstrapAdmin();
      const start = clock.now();
      for (let failures = 0; failures < THROTTLE_POLICY.maxFailuresPerWindow; failures += 1) {
        clock.advance(delayAfter(failures));
        expect((await failOnce(ADMIN_EMAIL)).response.statusCode).toBe(401);
      }
      // The growing delay alone would have allowed them within the hour: the cap is what binds.
      expect(clock.now() - start).toBeLessThan(THROTTLE_POLICY.windowMs);

      clock.advance(THROTTLE_POLICY.maxDelayMs);
      const locked = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
      expect(locked.response.statusCode).toBe(429);
      // Unlocks when the first failure leaves the one-hour window.
      const firstFailureAt = start + delayAfter(0);
      expect(locked.body.error?.retryAfterMs).toBe(firstFailureAt + THROTTLE_POLICY.windowMs - clock.now());

      clock.advance(locked.body.error!.retryAfterMs!);
      expect((await login(ADMIN_EMAIL, ADMIN_PASSWORD)).response.statusCode).toBe(200);
    }, 120_000);

    it('keeps the counts in the database: a second instance on the same database sees them', async () => {
      await bootstrapAdmin();
      const other = await startInstance(target, clock);
      extraInstances.push(other);
      for (let i = 0; i < THROTTLE_POLICY.freeFailures; i += 1) {
        expect((await failOnce(ADMIN_EMAIL, i % 2 === 0 ? server : other)).response.statusCode).toBe(401);
      }
      const onOther = await post(other.app, '/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
      expect(onOther.response.statusCode).toBe(429);
      const onFirst = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
      expect(onFirst.response.statusCode).toBe(429);
      clock.advance(1000);
      expect(
        (await post(other.app, '/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).response
          .statusCode,
      ).toBe(200);
    });
  });

  describe('sessions', () => {
    it('issue a new token at every login; the session the login came with dies, other devices keep theirs', async () => {
      await bootstrapAdmin();
      const desktop = (await login(ADMIN_EMAIL, ADMIN_PASSWORD)).body.value.token;
      const browser = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
      const browserToken = browser.body.value.token;
      expect(browserToken).not.toBe(desktop);

      const relogin = await login(ADMIN_EMAIL, ADMIN_PASSWORD, { cookie: `clientele_session=${browserToken}` });
      const rotated = relogin.body.value.token;
      expect(rotated).not.toBe(browserToken);
      expect((await get(server.app, '/api/auth/session', bearer(browserToken))).response.statusCode).toBe(401);
      expect((await get(server.app, '/api/auth/session', bearer(rotated))).response.statusCode).toBe(200);
      expect((await get(server.app, '/api/auth/session', bearer(desktop))).response.statusCode).toBe(200);
    });

    it('end at logout (twice is fine) and at an admin revoke; a disabled user loses every session', async () => {
      const first = await bootstrapAdmin();
      const logout = await post(server.app, '/api/auth/logout', {}, bearer(first));
      expect(logout.body).toEqual({ ok: true, value: { revoked: true, endSessionUrl: null } });
      expect(String(logout.response.headers['set-cookie'])).toContain('Max-Age=0');
      const unauthenticated = await get(server.app, '/api/auth/session', bearer(first));
      expect(unauthenticated.response.statusCode).toBe(401);
      expect(unauthenticated.body.error?.code).toBe('UNAUTHENTICATED');
      expect((await post(server.app, '/api/auth/logout', {}, bearer(first))).body).toEqual({
        ok: true,
        value: { revoked: false, endSessionUrl: null },
      });

      // An admin revokes another session by id; a plain user may not.
      const second = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
      const adminToken = (await login(ADMIN_EMAIL, ADMIN_PASSWORD)).body.value.token;
      await addUser('rep@example.com', 'a sales rep passphrase');
      const repToken = (await login('rep@example.com', 'a sales rep passphrase')).body.value.token;
      const revokeUrl = `/api/admin/sessions/${second.body.value.session.id}`;
      const byRep = await server.app.inject({ method: 'DELETE', url: revokeUrl, headers: bearer(repToken) });
      expect(byRep.statusCode).toBe(403);
      expect((await get(server.app, '/api/auth/session', bearer(second.body.value.token))).response.statusCode).toBe(
        200,
      );
      const byAdmin = await server.app.inject({ method: 'DELETE', url: revokeUrl, headers: bearer(adminToken) });
      expect(byAdmin.json()).toEqual({ ok: true, value: { revoked: true } });
      expect((await get(server.app, '/api/auth/session', bearer(second.body.value.token))).response.statusCode).toBe(
        401,
      );
      const again = await server.app.inject({ method: 'DELETE', url: revokeUrl, headers: bearer(adminToken) });
      expect(again.statusCode).toBe(404);

      const third = (await login(ADMIN_EMAIL, ADMIN_PASSWORD)).body.value.token;
      await server.context.db.updateTable('users').set({ disabled_at: clock.now() }).execute();
      expect((await get(server.app, '/api/auth/session', bearer(third))).response.statusCode).toBe(401);
    });

    it('slide their expiry with use, up to an absolute limit', async () => {
      const token = await bootstrapAdmin();
      const day = 24 * 60 * 60 * 1000;
      const before = (await get(server.app, '/api/auth/session', bearer(token))).body.value.session.expiresAt;
      clock.advance(13 * day);
      const after = (await get(server.app, '/api/auth/session', bearer(token))).body.value.session.expiresAt;
      expect(Date.parse(after) - Date.parse(before)).toBe(13 * day);
      // Used every 13 days it lives on, until 30 days after it was made.
      clock.advance(13 * day);
      expect((await get(server.app, '/api/auth/session', bearer(token))).response.statusCode).toBe(200);
      clock.advance(SESSION_POLICY.absoluteMs - 26 * day);
      expect((await get(server.app, '/api/auth/session', bearer(token))).response.statusCode).toBe(401);

      const idle = (await login(ADMIN_EMAIL, ADMIN_PASSWORD)).body.value.token;
      clock.advance(SESSION_POLICY.idleMs);
      expect((await get(server.app, '/api/auth/session', bearer(idle))).response.statusCode).toBe(401);
    });

    it('refuse a cookie-authenticated state change from another origin', async () => {
      const token = await bootstrapAdmin();
      const { response, body } = await post(
        server.app,
        '/api/auth/logout',
        {},
        {
          cookie: `clientele_session=${token}`,
          origin: 'https://evil.example',
        },
      );
      expect(response.statusCode).toBe(403);
      expect(body.error?.code).toBe('FORBIDDEN');
      expect((await get(server.app, '/api/auth/session', bearer(token))).response.statusCode).toBe(200);
    });
  });

  describe('health and headers', () => {
    it('answers a body that is not JSON, or not sent as JSON, with VALIDATION in the error shape', async () => {
      for (const headers of [{ 'content-type': 'application/json' }, { 'content-type': 'text/plain' }]) {
        const response = await server.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: '{"email":',
          headers,
        });
        expect(response.statusCode).toBeGreaterThanOrEqual(400);
        expect(response.statusCode).toBeLessThan(500);
        expect(response.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
        expect(response.headers['x-content-type-options']).toBe('nosniff');
      }
    });

    it('reports the database and sends the security headers on every response, errors included', async () => {
      const health = await get(server.app, '/api/health');
      expect(health.body).toEqual({ ok: true, value: { status: 'ok', database: backend } });
      const missing = await get(server.app, '/api/nothing-here');
      expect(missing.response.statusCode).toBe(404);
      expect(missing.body).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      for (const { response } of [health, missing]) {
        expect(response.headers).toMatchObject({
          'content-security-policy': expect.stringContaining("default-src 'none'"),
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
          'referrer-policy': 'no-referrer',
          'cache-control': 'no-store',
        });
      }
    });
  });
});
