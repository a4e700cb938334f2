import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueBootstrapToken } from '../../server/auth/bootstrap.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { RECOVERY_CODE_COUNT } from '../../server/auth/recovery-codes.js';
import { CHALLENGE_TTL_MS } from '../../server/auth/second-factor-challenges.js';
import { newId } from '../../server/auth/tokens.js';
import { totpCodeAt } from '../../server/auth/totp.js';
import {
  bearer,
  DatabaseFactory,
  ManualClock,
  post,
  startInstance,
  type DatabaseBackend,
} from '../harness/team-server.js';
import type { ServerInstance } from '../harness/team-server.js';

const ADMIN_EMAIL = 'ada.admin@example.com';
const ADMIN_PASSWORD = 'a long passphrase nobody guesses';
const USER_EMAIL = 'bob@example.com';
const USER_PASSWORD = 'another long passphrase';
const STEP_MS = 30_000;

type Body = {
  ok: boolean;
  value: Record<string, unknown> & { token?: string; challenge?: string; secondFactor?: string };
  error?: { code: string; message: string };
};

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('two-factor sign-in on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  let clock: ManualClock;
  let server: ServerInstance;

  beforeEach(async () => {
    clock = new ManualClock();
    server = await startInstance(await factory.fresh(), clock);
  });
  afterEach(async () => server.close());
  afterAll(() => factory.dispose());

  async function call(method: 'GET' | 'POST' | 'PUT', url: string, token?: string, payload?: object) {
    const response = await server.app.inject({
      method,
      url,
      ...(payload ? { payload } : {}),
      headers: token ? bearer(token) : {},
    });
    // GET /api/policy answers a compact JWS, not JSON, once it is let through.
    const json = response.headers['content-type']?.toString().startsWith('application/json');
    return { status: response.statusCode, body: json ? response.json<Body>() : ({ ok: true, value: {} } as Body) };
  }

  async function bootstrapAdmin(): Promise<string> {
    const issued = await issueBootstrapToken(server.context.db, clock.now());
    const { body } = await post(server.app, '/api/auth/bootstrap', {
      token: issued!.token,
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
    });
    return body.value.token;
  }

  async function addUser(email = USER_EMAIL, password = USER_PASSWORD): Promise<void> {
    await server.context.db
      .insertInto('users')
      .values({
        id: newId(),
        email,
        email_normalized: email,
        password_hash: await hashPassword(password),
        is_admin: 0,
        created_at: clock.now(),
        disabled_at: null,
      })
      .execute();
  }

  const login = (email = USER_EMAIL, password = USER_PASSWORD) =>
    call('POST', '/api/auth/login', undefined, { email, password });

  /** Turns TOTP on for a signed-in session; the clock then moves past the step the confirm code used. */
  async function enableTotp(token: string): Promise<{ secret: string; recoveryCodes: string[] }> {
    const setup = await call('POST', '/api/auth/totp/setup', token);
    expect(setup.status).toBe(200);
    const secret = setup.body.value.secret as string;
    expect(setup.body.value.otpauthUri).toMatch(/^otpauth:\/\/totp\/Clientele:.*secret=/);
    const confirm = await call('POST', '/api/auth/totp/confirm', token, {
      code: await totpCodeAt(secret, clock.now()),
    });
    expect(confirm.status).toBe(200);
    clock.advance(5 * STEP_MS);
    return { secret, recoveryCodes: confirm.body.value.recoveryCodes as string[] };
  }

  async function userWithTotp(): Promise<{ secret: string; recoveryCodes: string[] }> {
    await addUser();
    const first = await login();
    return enableTotp(first.body.value.token!);
  }

  async function challenge(): Promise<string> {
    const { status, body } = await login();
    expect(status).toBe(200);
    expect(body.value).toEqual({
      secondFactor: 'required',
      challenge: expect.any(String),
      expiresAt: expect.any(String),
    });
    return body.value.challenge!;
  }

  const secondFactor = (payload: object) => call('POST', '/api/auth/second-factor', undefined, payload);

  async function auditActions(): Promise<string[]> {
    const rows = await server.context.db.selectFrom('audit_log').select('action').orderBy('seq').execute();
    return rows.map((row) => row.action);
  }

  it('answers a right password with a challenge, not a session, and a code turns it into one', async () => {
    const { secret } = await userWithTotp();
    const sessionsBefore = await server.context.db.selectFrom('sessions').select('id').execute();
    const pending = await challenge();
    expect(await server.context.db.selectFrom('sessions').select('id').execute()).toHaveLength(sessionsBefore.length);

    const done = await secondFactor({ challenge: pending, code: await totpCodeAt(secret, clock.now()) });
    expect(done.status).toBe(200);
    const session = await call('GET', '/api/auth/session', done.body.value.token);
    expect(session.status).toBe(200);
    // The challenge is spent with the session.
    clock.advance(STEP_MS);
    const again = await secondFactor({ challenge: pending, code: await totpCodeAt(secret, clock.now()) });
    expect(again.status).toBe(401);
    // Only its hash is stored, and it is marked used.
    const rows = await server.context.db.selectFrom('second_factor_challenges').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toBe(pending);
    expect(rows[0]!.used_at).not.toBeNull();
  });

  it('accepts a code once: the same code for a second sign-in is refused', async () => {
    const { secret } = await userWithTotp();
    const code = await totpCodeAt(secret, clock.now());
    expect((await secondFactor({ challenge: await challenge(), code })).status).toBe(200);
    const reused = await secondFactor({ challenge: await challenge(), code });
    expect(reused.status).toBe(401);
    expect(reused.body.error?.code).toBe('AUTH');
  });

  it('accepts codes one step either side of now and refuses two steps away', async () => {
    const { secret } = await userWithTotp();
    const now = clock.now();
    const pending = await challenge();
    for (const offset of [-2, 2]) {
      const refused = await secondFactor({
        challenge: pending,
        code: await totpCodeAt(secret, now + offset * STEP_MS),
      });
      expect(refused.status, `step ${offset}`).toBe(401);
    }
    const behind = await secondFactor({ challenge: pending, code: await totpCodeAt(secret, now - STEP_MS) });
    expect(behind.status).toBe(200);
    // A later step is still good after an earlier one was used.
    const ahead = await secondFactor({ challenge: await challenge(), code: await totpCodeAt(secret, now + STEP_MS) });
    expect(ahead.status).toBe(200);
    // ...but an earlier step is not, once a later one was accepted (the current code is older than step +1).
    const older = await secondFactor({ challenge: await challenge(), code: await totpCodeAt(secret, now) });
    expect(older.status).toBe(401);
  });

  it('gives ten distinct recovery codes once, each good for one sign-in, stored hashed', async () => {
    const { recoveryCodes } = await userWithTotp();
    expect(recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(recoveryCodes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of recoveryCodes) expect(code).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
    const stored = await server.context.db.selectFrom('recovery_codes').select('code_hash').execute();
    expect(stored.map((row) => row.code_hash)).not.toContain(recoveryCodes[0]);

    // Typed back in lower case without dashes, it still matches.
    const typed = recoveryCodes[0]!.toLowerCase().replaceAll('-', ' ');
    expect((await secondFactor({ challenge: await challenge(), recoveryCode: typed })).status).toBe(200);
    const reused = await secondFactor({ challenge: await challenge(), recoveryCode: recoveryCodes[0] });
    expect(reused.status).toBe(401);
    expect((await secondFactor({ challenge: await challenge(), recoveryCode: recoveryCodes[1] })).status).toBe(200);
    expect(await auditActions()).toContain('auth.recovery_code_used');
  });

  it('refuses a challenge after it expires', async () => {
    const { secret } = await userWithTotp();
    const pending = await challenge();
    clock.advance(CHALLENGE_TTL_MS);
    const late = await secondFactor({ challenge: pending, code: await totpCodeAt(secret, clock.now()) });
    expect(late.status).toBe(401);
  });

  it('counts wrong codes in the login throttle, and a right password does not wipe the count', async () => {
    const { secret } = await userWithTotp();
    const pending = await challenge(); // the password step counts until the second factor succeeds: 1
    for (let i = 0; i < 4; i += 1) {
      expect((await secondFactor({ challenge: pending, code: '000000' })).status).toBe(401); // 2..5
    }
    const locked = await secondFactor({ challenge: pending, code: await totpCodeAt(secret, clock.now()) });
    expect(locked.status).toBe(429);
    expect(locked.body.error?.code).toBe('RATE_LIMIT');
    // Signing in again with the password is throttled the same: the attacker can't start over.
    expect((await login()).status).toBe(429);

    clock.advance(1_000);
    const good = await secondFactor({ challenge: pending, code: await totpCodeAt(secret, clock.now()) });
    expect(good.status).toBe(200);
    // A full success starts the account afresh.
    expect((await login()).status).toBe(200);
    expect(await auditActions()).toContain('auth.second_factor_failed');
  });

  it('turns 2FA off only with a code, and sign-in is then by password alone', async () => {
    await addUser();
    const token = (await login()).body.value.token!;
    const { secret } = await enableTotp(token);
    expect((await call('POST', '/api/auth/totp/setup', token)).status).toBe(409);
    expect((await call('POST', '/api/auth/totp/disable', token, { code: '123456' })).status).toBe(401);
    const off = await call('POST', '/api/auth/totp/disable', token, { code: await totpCodeAt(secret, clock.now()) });
    expect(off.status).toBe(200);
    const plain = await login();
    expect(plain.status).toBe(200);
    expect(plain.body.value.token).toEqual(expect.any(String));
    expect(await server.context.db.selectFrom('recovery_codes').select('id').execute()).toHaveLength(0);
    const actions = await auditActions();
    expect(actions).toContain('auth.2fa_enabled');
    expect(actions).toContain('auth.2fa_disabled');
  });

  it('refuses a confirm code that does not match the pending secret', async () => {
    await addUser();
    const token = (await login()).body.value.token!;
    expect((await call('POST', '/api/auth/totp/setup', token)).status).toBe(200);
    const wrong = await call('POST', '/api/auth/totp/confirm', token, { code: '000000' });
    expect(wrong.status).toBe(400);
    expect((await call('POST', '/api/auth/totp/confirm', token, { code: 'abc' })).status).toBe(400);
  });

  describe('require 2FA for everyone', () => {
    it('refuses to turn it on for an admin who has no 2FA themselves', async () => {
      const admin = await bootstrapAdmin();
      const refused = await call('PUT', '/api/admin/settings', admin, { require2fa: true });
      expect(refused.status).toBe(409);
      expect((await call('GET', '/api/admin/settings', admin)).body.value).toEqual({
        require2fa: false,
        ipAllowlist: [],
        grantMaxMinutes: 480,
        offlineGraceHours: 72,
      });
    });

    it('lets a user without 2FA reach only the set-up routes until they turn it on', async () => {
      const adminToken = await bootstrapAdmin();
      await enableTotp(adminToken);
      const on = await call('PUT', '/api/admin/settings', adminToken, { require2fa: true });
      expect(on.status).toBe(200);
      expect(on.body.value).toEqual({ require2fa: true, ipAllowlist: [], grantMaxMinutes: 480, offlineGraceHours: 72 });
      expect(await auditActions()).toContain('workspace.settings_changed');

      await addUser();
      const signedIn = await login();
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.value.secondFactor).toBe('setup_required');
      const token = signedIn.body.value.token!;
      const blocked = await call('GET', '/api/policy', token);
      expect(blocked.status).toBe(403);
      expect(blocked.body.error?.message).toMatch(/requires two-factor/);
      expect((await call('GET', '/api/auth/session', token)).status).toBe(200);

      await enableTotp(token);
      expect((await call('GET', '/api/policy', token)).status).toBe(200);
      // The admin (who has 2FA) was never gated.
      expect((await call('GET', '/api/admin/settings', adminToken)).status).toBe(200);
    });
  });
});
