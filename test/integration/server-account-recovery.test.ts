import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountSessionView, UserIdentityView } from '../../common/api/server-admin-accounts.js';
import type { AuditPage, AuditVerifyView } from '../../common/api/server-admin-audit.js';
import type { RoleView, TeamView, UserView } from '../../common/api/server-admin.js';
import type { GrantView } from '../../common/api/server-grants.js';
import { issueBootstrapToken } from '../../server/auth/bootstrap.js';
import { THROTTLE_POLICY } from '../../server/auth/login-throttle.js';
import { NO_PASSWORD } from '../../server/auth/no-password.js';
import { newId } from '../../server/auth/tokens.js';
import { totpCodeAt } from '../../server/auth/totp.js';
import {
  resetPassword as resetPasswordOf,
  resetSecondFactor as resetSecondFactorOf,
} from '../../server/auth/account-reset.js';
import { takeLock } from '../../server/db/locked-transaction.js';
import { buildServer } from '../../server/http/app.js';
import { rightsOf } from '../../server/rbac/caller-rights.js';
import { TEAM_LOCK } from '../../server/rbac/teams.js';
import {
  bearer,
  DatabaseFactory,
  ManualClock,
  startInstance,
  type DatabaseBackend,
  type ServerInstance,
} from '../harness/team-server.js';

// Account recovery on SQLite and PostgreSQL: changing one's own password (POST /api/auth/password),
// an administrator setting a new password (PUT /api/admin/users/:userId/password) or removing a lost
// second factor (DELETE /api/admin/users/:userId/second-factor): what they change, the sessions they
// end, the throttle and the password rules they obey, the audit entries, and who may do them to whom.

const ADMIN = { email: 'admin@example.com', password: 'a long passphrase nobody guesses' };
const MANAGER = { email: 'manager@example.com', password: 'manager passphrase of some length' };
const REP = { email: 'rep@example.com', password: 'rep passphrase of decent length' };
const NEW_PASSWORD = 'a brand new passphrase for the rep';
const STEP_MS = 30_000;

type Body<T> = { ok: boolean; value: T; error?: { code: string; message: string; retryAfterMs?: number } };
type Login = { token: string; user: { id: string }; session: { id: string }; secondFactor?: string };

describe.each<DatabaseBackend>(['sqlite', 'postgres'])('account recovery on %s', (backend) => {
  const factory = new DatabaseFactory(backend);
  let clock: ManualClock;
  let server: ServerInstance;
  let app: FastifyInstance;
  let admin: string;
  let adminId: string;

  async function send<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    token: string | null,
    payload?: unknown,
  ): Promise<{ status: number; body: Body<T> }> {
    const response = await app.inject({
      method,
      url,
      headers: token ? bearer(token) : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: response.statusCode, body: response.json<Body<T>>() };
  }
  const login = (who: { email: string; password: string }) => send<Login>('POST', '/api/auth/login', null, who);
  async function signIn(who: { email: string; password: string }): Promise<Login> {
    const answer = await login(who);
    expect(answer.status, answer.body.error?.message).toBe(200);
    return answer.body.value;
  }
  const alive = async (token: string): Promise<number> => (await send('GET', '/api/auth/session', token)).status;
  const changePassword = (token: string, currentPassword: string, newPassword: string) =>
    send<{ changed: boolean; revokedSessions: number }>('POST', '/api/auth/password', token, {
      currentPassword,
      newPassword,
    });
  const resetPassword = (token: string, userId: string, newPassword: string) =>
    send<{ revokedSessions: number }>('PUT', `/api/admin/users/${userId}/password`, token, { newPassword });
  const resetTwoFactor = (token: string, userId: string) =>
    send<{ revokedSessions: number }>('DELETE', `/api/admin/users/${userId}/second-factor`, token);

  async function createUser(who: { email: string; password: string }, roleName?: string): Promise<string> {
    const created = await send<UserView>('POST', '/api/admin/users', admin, who);
    expect(created.status).toBe(201);
    if (roleName) {
      const roles = await send<RoleView[]>('GET', '/api/admin/roles', admin);
      const role = roles.body.value.find((candidate) => candidate.name === roleName)!;
      expect((await send('PUT', `/api/admin/users/${created.body.value.id}/roles/${role.id}`, admin)).status).toBe(200);
    }
    return created.body.value.id;
  }

  /** A Sales team the manager manages, with `members` in it; its id. */
  async function salesTeam(managerId: string, members: string[]): Promise<string> {
    const team = await send<TeamView>('POST', '/api/admin/teams', admin, { name: 'Sales' });
    await send('PUT', `/api/admin/teams/${team.body.value.id}/members/${managerId}`, admin, { manager: true });
    for (const member of members) {
      expect(
        (await send('PUT', `/api/admin/teams/${team.body.value.id}/members/${member}`, admin, { manager: false }))
          .status,
      ).toBe(200);
    }
    return team.body.value.id;
  }

  async function enableTotp(token: string): Promise<string> {
    const setup = await send<{ secret: string }>('POST', '/api/auth/totp/setup', token);
    const secret = setup.body.value.secret;
    const confirm = await send('POST', '/api/auth/totp/confirm', token, {
      code: await totpCodeAt(secret, clock.now()),
    });
    expect(confirm.status).toBe(200);
    clock.advance(STEP_MS);
    return secret;
  }

  /** PostgreSQL sessions waiting for an advisory lock (a transaction queued behind a role or team change). */
  async function advisoryLocksWaiting(): Promise<number> {
    const result = await sql<{
      n: string;
    }>`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`.execute(server.context.db);
    return Number(result.rows[0]!.n);
  }

  async function auditEntries(action: string) {
    const page = await send<AuditPage>('GET', `/api/admin/audit?action=${action}&limit=200`, admin);
    expect(page.status).toBe(200);
    return page.body.value.entries;
  }

  /** The whole log verifies, and no entry's details hold any of `secrets`. */
  async function expectCleanChain(secrets: string[]): Promise<void> {
    const verify = await send<AuditVerifyView>('GET', '/api/admin/audit/verify', admin);
    expect(verify.body.value.ok).toBe(true);
    const all = await send<AuditPage>('GET', '/api/admin/audit?limit=200', admin);
    const text = JSON.stringify(all.body.value.entries);
    for (const secret of secrets) expect(text).not.toContain(secret);
  }

  const failuresOf = async (email: string): Promise<number> =>
    (await server.context.db.selectFrom('login_attempts').select('id').where('account_key', '=', email).execute())
      .length;

  beforeEach(async () => {
    clock = new ManualClock();
    server = await startInstance(await factory.fresh(), clock);
    app = server.app;
    const issued = await issueBootstrapToken(server.context.db, clock.now());
    const boot = await send<Login>('POST', '/api/auth/bootstrap', null, { token: issued!.token, ...ADMIN });
    admin = boot.body.value.token;
    adminId = boot.body.value.user.id;
  });
  afterEach(async () => server.close());
  afterAll(() => factory.dispose());

  describe('changing one’s own password', () => {
    it('stores the new password, ends every other session, keeps this one, and audits it without secrets', async () => {
      await createUser(REP, 'Sales rep');
      const here = await signIn(REP);
      const laptop = await signIn(REP);
      const phone = await signIn(REP);

      const changed = await changePassword(here.token, REP.password, NEW_PASSWORD);
      expect(changed.status, changed.body.error?.message).toBe(200);
      expect(changed.body.value).toEqual({ changed: true, revokedSessions: 2 });

      expect(await alive(here.token)).toBe(200);
      for (const other of [laptop, phone]) {
        const next = await send('GET', '/api/auth/session', other.token);
        expect(next.status).toBe(401);
        expect(next.body.error?.code).toBe('UNAUTHENTICATED');
      }
      expect((await login(REP)).status).toBe(401);
      expect((await login({ email: REP.email, password: NEW_PASSWORD })).status).toBe(200);

      const [entry] = await auditEntries('auth.password_changed');
      expect(entry).toMatchObject({ actorUserId: here.user.id, target: `user:${here.user.id}` });
      expect(entry!.details).toMatchObject({ revokedSessions: 2 });
      await expectCleanChain([REP.password, NEW_PASSWORD]);
    });

    it('counts a wrong current password in the login throttle of the account, which then holds even the right one', async () => {
      await createUser(REP, 'Sales rep');
      const session = await signIn(REP);
      for (let i = 0; i < THROTTLE_POLICY.freeFailures; i += 1) {
        const wrong = await changePassword(session.token, 'not my password at all', NEW_PASSWORD);
        expect(wrong.status).toBe(401);
        expect(wrong.body.error).toMatchObject({ code: 'AUTH', message: 'The current password is incorrect.' });
        // A wrong current password is not a dead session: the session stays.
        expect(await alive(session.token)).toBe(200);
      }
      expect(await failuresOf(REP.email)).toBe(THROTTLE_POLICY.freeFailures);

      // The next try waits, right password or not, here and at the login alike: one count per account.
      const held = await changePassword(session.token, REP.password, NEW_PASSWORD);
      expect(held.status).toBe(429);
      expect(held.body.error?.code).toBe('RATE_LIMIT');
      expect(held.body.error?.retryAfterMs).toBe(1000);
      expect((await login(REP)).status).toBe(429);

      clock.advance(1000);
      const changed = await changePassword(session.token, REP.password, NEW_PASSWORD);
      expect(changed.status, changed.body.error?.message).toBe(200);
      // Only this try was taken back: the earlier failures still count (wrong 2FA codes can't be wiped so).
      expect(await failuresOf(REP.email)).toBe(THROTTLE_POLICY.freeFailures);

      const failed = await auditEntries('auth.password_change_failed');
      expect(failed.map((entry) => entry.details)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ reason: 'wrong_password' }),
          expect.objectContaining({ reason: 'throttled' }),
        ]),
      );
      expect(failed).toHaveLength(THROTTLE_POLICY.freeFailures + 1);
      await expectCleanChain([REP.password, NEW_PASSWORD, 'not my password at all']);
    });

    it('refuses a weak, common, email-like or unchanged new password before counting anything', async () => {
      await createUser(REP, 'Sales rep');
      const session = await signIn(REP);
      const cases: [string, string][] = [
        ['short', 'at least 8 characters'],
        ['password1234', 'too common'],
        ['Rep@Example.com', 'may not be your email'],
        [REP.password, 'is the current one'],
      ];
      for (const [newPassword, message] of cases) {
        const refused = await changePassword(session.token, REP.password, newPassword);
        expect(refused.status, newPassword).toBe(400);
        expect(refused.body.error?.code).toBe('VALIDATION');
        expect(refused.body.error?.message).toContain(message);
      }
      expect(await failuresOf(REP.email)).toBe(0);
      expect((await login(REP)).status).toBe(200);
      expect(await auditEntries('auth.password_changed')).toHaveLength(0);
    });

    it('answers CONFLICT for an account made by single sign-on, which has no password', async () => {
      const id = newId();
      await server.context.db
        .insertInto('users')
        .values({
          id,
          email: 'sso@example.com',
          email_normalized: 'sso@example.com',
          password_hash: NO_PASSWORD,
          is_admin: 0,
          created_at: clock.now(),
          disabled_at: null,
        })
        .execute();
      const { token } = await server.context.sessions.create(id, clock.now(), 'sso');
      const refused = await changePassword(token, 'anything at all here', NEW_PASSWORD);
      expect(refused.status).toBe(409);
      expect(refused.body.error?.message).toContain('single sign-on');
      expect(await failuresOf('sso@example.com')).toBe(0);
    });

    it('needs a session, and the 2FA the workspace requires', async () => {
      expect((await changePassword('', REP.password, NEW_PASSWORD)).status).toBe(401);
      await enableTotp(admin);
      expect((await send('PUT', '/api/admin/settings', admin, { require2fa: true })).status).toBe(200);
      await createUser(REP, 'Sales rep');
      const session = await signIn(REP);
      expect(session.secondFactor).toBe('setup_required');
      const refused = await changePassword(session.token, REP.password, NEW_PASSWORD);
      expect(refused.status).toBe(403);
    });
  });

  it('writes no password to the server log, at the most verbose level, whatever the outcome', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    // The same database and context, with a logger that keeps everything.
    app = buildServer(server.context, { logger: { level: 'trace', stream } });
    await app.ready();
    try {
      const repId = await createUser(REP, 'Sales rep');
      const session = await signIn(REP);
      expect((await changePassword(session.token, 'a wrong current one', NEW_PASSWORD)).status).toBe(401);
      expect((await changePassword(session.token, REP.password, 'password123')).status).toBe(400);
      expect((await changePassword(session.token, REP.password, 'short')).status).toBe(400);
      expect((await changePassword(session.token, REP.password, NEW_PASSWORD)).status).toBe(200);
      expect((await resetPassword(admin, repId, 'qwertyuiop')).status).toBe(400);
      expect((await resetPassword(admin, repId, 'an admin-chosen passphrase')).status).toBe(200);
    } finally {
      await app.close();
      app = server.app;
    }
    const log = lines.join('');
    expect(log).toContain('/api/auth/password');
    for (const secret of [REP.password, NEW_PASSWORD, 'a wrong current one', 'password123', 'short"', 'qwertyuiop']) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toContain('an admin-chosen passphrase');
  });

  describe('an administrator resetting a password', () => {
    it('sets the new password, ends all the user’s sessions, and audits actor and target', async () => {
      const repId = await createUser(REP, 'Sales rep');
      const first = await signIn(REP);
      const second = await signIn(REP);

      const reset = await resetPassword(admin, repId, NEW_PASSWORD);
      expect(reset.status, reset.body.error?.message).toBe(200);
      expect(reset.body.value).toEqual({ revokedSessions: 2 });
      expect(await alive(first.token)).toBe(401);
      expect(await alive(second.token)).toBe(401);
      expect(await alive(admin)).toBe(200);
      expect((await login(REP)).status).toBe(401);
      expect((await login({ email: REP.email, password: NEW_PASSWORD })).status).toBe(200);

      const [entry] = await auditEntries('user.password_reset');
      expect(entry).toMatchObject({ actorUserId: adminId, target: `user:${repId}` });
      expect(entry!.details).toMatchObject({ email: REP.email, revokedSessions: 2 });
      await expectCleanChain([REP.password, NEW_PASSWORD]);
    });

    it('applies the password rules and changes nothing when they refuse', async () => {
      const repId = await createUser(REP, 'Sales rep');
      const session = await signIn(REP);
      for (const weak of ['short', 'qwertyuiop', REP.email]) {
        const refused = await resetPassword(admin, repId, weak);
        expect(refused.status, weak).toBe(400);
        expect(refused.body.error?.code).toBe('VALIDATION');
      }
      expect(await alive(session.token)).toBe(200);
      expect((await login(REP)).status).toBe(200);
      expect(await auditEntries('user.password_reset')).toHaveLength(0);
    });

    it('refuses one’s own account, an SSO account and an unknown user', async () => {
      const own = await resetPassword(admin, adminId, NEW_PASSWORD);
      expect(own.status).toBe(409);
      expect(own.body.error?.message).toContain('/api/auth/password');
      const ssoId = newId();
      await server.context.db
        .insertInto('users')
        .values({
          id: ssoId,
          email: 'sso@example.com',
          email_normalized: 'sso@example.com',
          password_hash: NO_PASSWORD,
          is_admin: 0,
          created_at: clock.now(),
          disabled_at: null,
        })
        .execute();
      expect((await resetPassword(admin, ssoId, NEW_PASSWORD)).status).toBe(409);
      expect((await resetPassword(admin, newId(), NEW_PASSWORD)).status).toBe(404);
      // Still an SSO-only account: no password opens it.
      expect((await login({ email: 'sso@example.com', password: NEW_PASSWORD })).status).toBe(401);
    });

    it('lets a manager reset their team’s rep, never an admin, someone outside the team or someone with a wider grant', async () => {
      const managerId = await createUser(MANAGER, 'Sales manager');
      const repId = await createUser(REP, 'Sales rep');
      const otherAdmin = { email: 'second.admin@example.com', password: 'second admin passphrase here' };
      const otherAdminId = await createUser(otherAdmin, 'Admin');
      const outsiderId = await createUser({ email: 'outsider@example.com', password: 'outsider passphrase here' });
      // The admin is in the manager's team, so only the rule "not above yourself" stands in the way.
      await salesTeam(managerId, [repId, otherAdminId]);
      const manager = (await signIn(MANAGER)).token;
      const rep = await signIn(REP);

      const aboveManager = await resetPassword(manager, otherAdminId, NEW_PASSWORD);
      expect(aboveManager.status).toBe(403);
      expect(aboveManager.body.error?.message).toContain('holds more than you do');
      expect((await login(otherAdmin)).status).toBe(200);
      expect((await resetPassword(manager, outsiderId, NEW_PASSWORD)).status).toBe(403);
      // A rep has no users:edit at all.
      expect((await resetPassword(rep.token, managerId, NEW_PASSWORD)).status).toBe(403);
      expect((await resetPassword(rep.token, repId, NEW_PASSWORD)).status).toBe(403);

      // A grant the manager could not approve puts the rep above them while it lasts.
      const asked = await send<GrantView>('POST', '/api/grants', rep.token, {
        object: 'contact',
        action: 'export',
        scope: 'all',
        minutes: 60,
        reason: 'year-end export for finance',
      });
      expect(asked.status, asked.body.error?.message).toBe(201);
      expect((await send('POST', `/api/grants/${asked.body.value.id}/approve`, admin, {})).status).toBe(200);
      const withGrant = await resetPassword(manager, repId, NEW_PASSWORD);
      expect(withGrant.status).toBe(403);
      expect(withGrant.body.error?.message).toContain('temporary grant');

      clock.advance(61 * 60 * 1000);
      const manager2 = (await signIn(MANAGER)).token;
      const reset = await resetPassword(manager2, repId, NEW_PASSWORD);
      expect(reset.status, reset.body.error?.message).toBe(200);
      expect((await login({ email: REP.email, password: NEW_PASSWORD })).status).toBe(200);
      const [entry] = await auditEntries('user.password_reset');
      expect(entry).toMatchObject({ actorUserId: managerId, target: `user:${repId}` });
      await expectCleanChain([NEW_PASSWORD]);
    });
    it('judges a manager’s reach again under the lock: a rep moved out of the team since the request arrived is refused', async () => {
      const managerId = await createUser(MANAGER, 'Sales manager');
      const repId = await createUser(REP, 'Sales rep');
      const teamId = await salesTeam(managerId, [repId]);
      const caller = { id: managerId, held: (await rightsOf(server.context.db, managerId, clock.now())).roles };
      // The access hook passed (the rep was in the team); then, before the reset's transaction, the rep left it.
      expect((await send('DELETE', `/api/admin/teams/${teamId}/members/${repId}`, admin)).status).toBe(200);
      const notInTeam = { code: 'FORBIDDEN', message: 'This user is not in a team you manage.' };
      await expect(resetPasswordOf(server.context, caller, repId, NEW_PASSWORD, clock.now())).rejects.toMatchObject(
        notInTeam,
      );
      await expect(resetSecondFactorOf(server.context, caller, repId, clock.now())).rejects.toMatchObject(notInTeam);
      expect((await login(REP)).status).toBe(200);

      // Back in the team: the same call goes through.
      expect((await send('PUT', `/api/admin/teams/${teamId}/members/${repId}`, admin, { manager: false })).status).toBe(
        200,
      );
      await expect(resetPasswordOf(server.context, caller, repId, NEW_PASSWORD, clock.now())).resolves.toMatchObject({
        revokedSessions: 1,
      });
      // The membership changes are on record, each committed with its change.
      expect((await auditEntries('team.member_removed')).map((entry) => entry.target)).toEqual([`team:${teamId}`]);
    });

    if (backend === 'postgres') {
      it('on PostgreSQL, a reset racing a team change waits for it and judges the team as it is then', async () => {
        const managerId = await createUser(MANAGER, 'Sales manager');
        const repId = await createUser(REP, 'Sales rep');
        const teamId = await salesTeam(managerId, [repId]);
        const manager = (await signIn(MANAGER)).token;
        // Another instance moving the rep out: it holds the team lock and has not committed yet.
        let commit!: () => void;
        const committed = new Promise<void>((resolve) => (commit = resolve));
        let moved!: () => void;
        const held = new Promise<void>((resolve) => (moved = resolve));
        const moving = server.context.db.transaction().execute(async (trx) => {
          await takeLock(trx, 'postgres', TEAM_LOCK);
          await trx.deleteFrom('team_members').where('team_id', '=', teamId).where('user_id', '=', repId).execute();
          moved();
          await committed;
        });
        await held;
        // The reset arrives: its access hook still sees the rep in the team (the move is not committed).
        const reset = resetPassword(manager, repId, NEW_PASSWORD);
        try {
          await expect.poll(() => advisoryLocksWaiting(), { timeout: 5000 }).toBe(1);
        } finally {
          commit();
          await moving;
        }
        const answer = await reset;
        expect(answer.status).toBe(403);
        expect(answer.body.error?.message).toBe('This user is not in a team you manage.');
        expect((await login(REP)).status).toBe(200);
      });
    }
  });

  describe('a temporary password (set by an administrator)', () => {
    const OWN_PASSWORD = 'the rep chose this passphrase';
    type Step = { passwordChange?: string; secondFactor?: string; challenge: string; message?: string; token?: string };
    const newPassword = (challenge: string, password: string) =>
      send<Login>('POST', '/api/auth/new-password', null, { challenge, newPassword: password });
    const required = async (userId: string): Promise<boolean | undefined> =>
      (await send<UserView[]>('GET', '/api/admin/users', admin)).body.value.find((user) => user.id === userId)
        ?.passwordChangeRequired;

    it('opens no session: the sign-in must choose a new password, which then signs in', async () => {
      const repId = await createUser(REP, 'Sales rep');
      expect(await required(repId)).toBe(false);
      expect((await resetPassword(admin, repId, NEW_PASSWORD)).status).toBe(200);
      expect(await required(repId)).toBe(true);

      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: REP.email, password: NEW_PASSWORD },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['set-cookie']).toBeUndefined();
      const step = response.json<Body<Step>>().value;
      expect(step).toMatchObject({ passwordChange: 'required' });
      expect(step.token).toBeUndefined();
      expect(step.message).toContain('temporary password');

      // The temporary password again, or one the rules refuse: the challenge stays for another try.
      const same = await newPassword(step.challenge, NEW_PASSWORD);
      expect(same.status).toBe(400);
      expect(same.body.error?.message).toContain('temporary password');
      expect((await newPassword(step.challenge, 'short')).status).toBe(400);
      expect((await newPassword(step.challenge, REP.email)).status).toBe(400);

      const chosen = await newPassword(step.challenge, OWN_PASSWORD);
      expect(chosen.status, chosen.body.error?.message).toBe(200);
      expect(await alive(chosen.body.value.token)).toBe(200);
      expect(await required(repId)).toBe(false);
      // Spent: the challenge opens nothing more.
      expect((await newPassword(step.challenge, 'yet another passphrase here')).status).toBe(401);
      // The temporary password is gone; the chosen one signs in straight away.
      expect((await login({ email: REP.email, password: NEW_PASSWORD })).status).toBe(401);
      expect((await signIn({ email: REP.email, password: OWN_PASSWORD })).token).toEqual(expect.any(String));

      const [changed] = await auditEntries('auth.password_changed');
      expect(changed).toMatchObject({ actorUserId: repId, target: `user:${repId}` });
      expect(changed!.details).toMatchObject({ reason: 'temporary_password' });
      await expectCleanChain([NEW_PASSWORD, OWN_PASSWORD]);
    });

    it('takes a challenge only at its own step, only while it lives, and not after another reset', async () => {
      const repId = await createUser(REP, 'Sales rep');
      expect((await resetPassword(admin, repId, NEW_PASSWORD)).status).toBe(200);
      const temporary = { email: REP.email, password: NEW_PASSWORD };
      const first = (await login(temporary)).body.value as unknown as Step;
      // A password-change challenge is no second-factor challenge.
      const asCode = await send('POST', '/api/auth/second-factor', null, {
        challenge: first.challenge,
        code: '123456',
      });
      expect(asCode.status).toBe(401);
      clock.advance(6 * 60 * 1000);
      expect((await newPassword(first.challenge, OWN_PASSWORD)).status).toBe(401);

      const second = (await login(temporary)).body.value as unknown as Step;
      const another = 'a second temporary passphrase';
      expect((await resetPassword(admin, repId, another)).status).toBe(200);
      expect((await newPassword(second.challenge, OWN_PASSWORD)).status).toBe(401);
      expect(await required(repId)).toBe(true);
      const third = (await login({ email: REP.email, password: another })).body.value as unknown as Step;
      expect((await newPassword(third.challenge, OWN_PASSWORD)).status).toBe(200);
    });

    it('can be a new account’s first password, when the admin asks for it', async () => {
      const made = await send<UserView>('POST', '/api/admin/users', admin, { ...REP, temporaryPassword: true });
      expect(made.status).toBe(201);
      expect(made.body.value.passwordChangeRequired).toBe(true);
      const step = (await login(REP)).body.value as unknown as Step;
      expect(step).toMatchObject({ passwordChange: 'required' });
      expect((await newPassword(step.challenge, OWN_PASSWORD)).status).toBe(200);
      expect(await required(made.body.value.id)).toBe(false);
      // Without it (the API's default) the first password is the account's own.
      const other = { email: 'other@example.com', password: 'other passphrase of some length' };
      const plain = await send<UserView>('POST', '/api/admin/users', admin, other);
      expect(plain.body.value.passwordChangeRequired).toBe(false);
      expect((await signIn(other)).token).toEqual(expect.any(String));
    });

    it('comes after the second factor when the account has one', async () => {
      const repId = await createUser(REP, 'Sales rep');
      const secret = await enableTotp((await signIn(REP)).token);
      expect((await resetPassword(admin, repId, NEW_PASSWORD)).status).toBe(200);
      const first = (await login({ email: REP.email, password: NEW_PASSWORD })).body.value as unknown as Step;
      expect(first.secondFactor).toBe('required');
      // The second factor's challenge does not choose a password.
      expect((await newPassword(first.challenge, OWN_PASSWORD)).status).toBe(401);
      const afterCode = await send<Step>('POST', '/api/auth/second-factor', null, {
        challenge: first.challenge,
        code: await totpCodeAt(secret, clock.now()),
      });
      expect(afterCode.status, afterCode.body.error?.message).toBe(200);
      expect(afterCode.body.value).toMatchObject({ passwordChange: 'required' });
      expect(afterCode.body.value.token).toBeUndefined();
      const chosen = await newPassword(afterCode.body.value.challenge, OWN_PASSWORD);
      expect(chosen.status, chosen.body.error?.message).toBe(200);
      expect(await alive(chosen.body.value.token)).toBe(200);
    });
  });

  describe('an administrator removing a lost second factor', () => {
    it('removes TOTP and recovery codes, ends the sessions, and the password alone signs in', async () => {
      const repId = await createUser(REP, 'Sales rep');
      const session = await signIn(REP);
      await enableTotp(session.token);
      const challenged = await login(REP);
      expect(challenged.body.value).toMatchObject({ secondFactor: 'required' });

      const reset = await resetTwoFactor(admin, repId);
      expect(reset.status, reset.body.error?.message).toBe(200);
      expect(reset.body.value).toEqual({ revokedSessions: 1 });
      expect(await alive(session.token)).toBe(401);
      const recoveryLeft = await server.context.db
        .selectFrom('recovery_codes')
        .select('id')
        .where('user_id', '=', repId)
        .execute();
      expect(recoveryLeft).toHaveLength(0);

      const after = await signIn(REP);
      expect(after.token).toEqual(expect.any(String));
      expect(after.secondFactor).toBeUndefined();
      const account = await send<AccountSessionView>('GET', '/api/auth/session', after.token);
      expect(account.body.value.secondFactor).toEqual({ enabled: false, setupRequired: false });

      const [entry] = await auditEntries('user.2fa_reset');
      expect(entry).toMatchObject({ actorUserId: adminId, target: `user:${repId}` });
      expect(entry!.details).toMatchObject({ email: REP.email, revokedSessions: 1 });
      // Nothing left to reset.
      const again = await resetTwoFactor(admin, repId);
      expect(again.status).toBe(409);
      expect(again.body.error?.code).toBe('CONFLICT');
      await expectCleanChain([REP.password]);
    });

    it('sends the user through set-up at the next sign-in when the workspace requires 2FA', async () => {
      const repId = await createUser(REP, 'Sales rep');
      await enableTotp(admin);
      expect((await send('PUT', '/api/admin/settings', admin, { require2fa: true })).status).toBe(200);
      const first = await signIn(REP);
      expect(first.secondFactor).toBe('setup_required');
      await enableTotp(first.token);

      expect((await resetTwoFactor(admin, repId)).status).toBe(200);
      const next = await signIn(REP);
      expect(next.secondFactor).toBe('setup_required');
      expect((await send('GET', '/api/policy', next.token)).status).toBe(403);
      expect((await send('POST', '/api/auth/totp/setup', next.token)).status).toBe(200);
    });

    it('refuses one’s own account, a rep, and a manager acting on an admin', async () => {
      await enableTotp(admin);
      const own = await resetTwoFactor(admin, adminId);
      expect(own.status).toBe(409);
      expect(own.body.error?.message).toContain('recovery code');

      const managerId = await createUser(MANAGER, 'Sales manager');
      const repId = await createUser(REP, 'Sales rep');
      const otherAdmin = { email: 'second.admin@example.com', password: 'second admin passphrase here' };
      const otherAdminId = await createUser(otherAdmin, 'Admin');
      await salesTeam(managerId, [repId, otherAdminId]);
      const otherAdminToken = (await signIn(otherAdmin)).token;
      await enableTotp(otherAdminToken);
      const repSession = await signIn(REP);
      await enableTotp(repSession.token);
      const manager = (await signIn(MANAGER)).token;

      const aboveManager = await resetTwoFactor(manager, otherAdminId);
      expect(aboveManager.status).toBe(403);
      expect(aboveManager.body.error?.message).toContain('holds more than you do');
      expect((await resetTwoFactor(repSession.token, managerId)).status).toBe(403);
      expect((await login(otherAdmin)).body.value).toMatchObject({ secondFactor: 'required' });
      // Their own team's rep is theirs to help.
      expect((await resetTwoFactor(manager, repId)).status).toBe(200);
      expect(await auditEntries('user.2fa_reset')).toHaveLength(1);
    });
  });
  describe('an administrator unlinking a single sign-on identity', () => {
    const ISSUER = 'https://idp.example.com';
    async function linkIdentity(userId: string, subject: string): Promise<string> {
      const id = newId();
      await server.context.db
        .insertInto('user_identities')
        .values({
          id,
          user_id: userId,
          issuer: ISSUER,
          subject,
          email: REP.email,
          created_at: clock.now(),
          last_login_at: clock.now(),
        })
        .execute();
      return id;
    }
    const identities = (token: string, userId: string) =>
      send<UserIdentityView[]>('GET', `/api/admin/users/${userId}/identities`, token);
    const unlink = (token: string, userId: string, identityId: string) =>
      send<{ revokedSessions: number }>('DELETE', `/api/admin/users/${userId}/identities/${identityId}`, token);

    it('lists the identities, unlinks one, ends the SSO sessions and keeps the password ones', async () => {
      const repId = await createUser(REP, 'Sales rep');
      const identityId = await linkIdentity(repId, 'old-subject');
      const listed = await identities(admin, repId);
      expect(listed.status).toBe(200);
      expect(listed.body.value).toEqual([
        expect.objectContaining({ id: identityId, issuer: ISSUER, subject: 'old-subject', email: REP.email }),
      ]);
      const viaSso = await server.context.sessions.create(repId, clock.now(), 'sso');
      const viaPassword = await signIn(REP);

      const unlinked = await unlink(admin, repId, identityId);
      expect(unlinked.status, unlinked.body.error?.message).toBe(200);
      expect(unlinked.body.value).toEqual({ revokedSessions: 1 });
      expect((await identities(admin, repId)).body.value).toEqual([]);
      expect(await alive(viaSso.token)).toBe(401);
      expect(await alive(viaPassword.token)).toBe(200);
      expect((await unlink(admin, repId, identityId)).status).toBe(404);

      const [entry] = await auditEntries('user.sso_unlinked');
      expect(entry).toMatchObject({ actorUserId: adminId, target: `user:${repId}` });
      expect(entry!.details).toMatchObject({ issuer: ISSUER, subject: 'old-subject', revokedSessions: 1 });
    });

    it('finds an identity only under its own user, and refuses one’s own', async () => {
      const repId = await createUser(REP, 'Sales rep');
      const otherId = await createUser({ email: 'other@example.com', password: 'other passphrase of length' });
      const identityId = await linkIdentity(repId, 'rep-subject');
      expect((await unlink(admin, otherId, identityId)).status).toBe(404);
      const ownIdentity = await linkIdentity(adminId, 'admin-subject');
      const own = await unlink(admin, adminId, ownIdentity);
      expect(own.status).toBe(409);
      expect((await identities(admin, adminId)).body.value).toHaveLength(1);
      expect((await identities(admin, repId)).body.value).toHaveLength(1);
    });

    it('lets a manager unlink their team’s rep, never an admin in the team; a rep not at all', async () => {
      const managerId = await createUser(MANAGER, 'Sales manager');
      const repId = await createUser(REP, 'Sales rep');
      const otherAdmin = { email: 'second.admin@example.com', password: 'second admin passphrase here' };
      const otherAdminId = await createUser(otherAdmin, 'Admin');
      await salesTeam(managerId, [repId, otherAdminId]);
      const manager = (await signIn(MANAGER)).token;
      const rep = (await signIn(REP)).token;
      const repIdentity = await linkIdentity(repId, 'rep-subject');
      const adminIdentity = await linkIdentity(otherAdminId, 'admin-subject');

      expect((await identities(rep, repId)).status).toBe(403);
      expect((await unlink(rep, repId, repIdentity)).status).toBe(403);
      const above = await unlink(manager, otherAdminId, adminIdentity);
      expect(above.status).toBe(403);
      expect(above.body.error?.message).toContain('holds more than you do');
      expect((await identities(manager, otherAdminId)).body.value).toHaveLength(1);
      expect((await unlink(manager, repId, repIdentity)).status).toBe(200);
    });
  });
});
