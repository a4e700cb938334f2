import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RoleView, UserView } from '../../common/api/server-admin.js';
import type { TeamStatus } from '../../common/api/team.js';
import { totpCodeAt } from '../../server/auth/totp.js';
import { startServer, type RunningServer } from '../../server/start.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { ManualClock } from '../harness/team-server.js';
import { bootstrapAdmin, memoryKeychain, serverApi } from '../harness/team-desktop.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Enrolling an account that signs in with a second factor: the core asks for the code
// (SECOND_FACTOR_REQUIRED, nothing stored), refuses a wrong one, and enrolls with the TOTP code or,
// on another profile, with a recovery code (that each code is good once is the server's, tested in
// server-second-factor.test.ts). A temporary password an administrator set enrolls nothing: the core
// says where to choose one's own (PASSWORD_CHANGE_REQUIRED), and the chosen one enrolls.

const ADMIN = { email: 'admin@example.com', password: 'a long passphrase nobody guesses' };
const REP = { email: 'rep@example.com', password: 'rep passphrase of decent length' };
type Body<T> = { ok: boolean; value: T; error?: { code: string; message: string } };

const temp = makeTempDir('clientele-enroll-2fa-');
afterAll(() => temp.remove());

/** The first admin and a rep with the Sales rep role, on a fresh team server. */
async function adminAndRep(server: RunningServer): Promise<{ admin: string; rep: UserView }> {
  const admin = await bootstrapAdmin(server, ADMIN);
  const rep = await serverApi<UserView>(server, 'POST', '/api/admin/users', admin, REP);
  const salesRep = (await serverApi<RoleView[]>(server, 'GET', '/api/admin/roles', admin)).find(
    (role) => role.name === 'Sales rep',
  )!;
  await serverApi(server, 'PUT', `/api/admin/users/${rep.id}/roles/${salesRep.id}`, admin);
  return { admin, rep };
}

describe('enrollment when the password alone does not sign in (a second factor, a temporary password)', () => {
  it('asks for the code, refuses a wrong one, and enrolls with a TOTP or a recovery code', async () => {
    const clock = new ManualClock(Date.now());
    const server = await startServer({
      database: { kind: 'sqlite', file: join(temp.path, 'server', 'server.db') },
      host: '127.0.0.1',
      port: 0,
      clock,
    });
    try {
      await adminAndRep(server);

      // The rep turns on 2FA with their own session.
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(REP),
      });
      const session = ((await login.json()) as Body<{ token: string }>).value.token;
      const { secret } = await serverApi<{ secret: string }>(server, 'POST', '/api/auth/totp/setup', session, {});
      const { recoveryCodes } = await serverApi<{ recoveryCodes: string[] }>(
        server,
        'POST',
        '/api/auth/totp/confirm',
        session,
        {
          code: await totpCodeAt(secret, clock.now()),
        },
      );
      clock.advance(60_000); // the set-up code is spent; the next step's code is fresh

      const core = await openTestCore(join(temp.path, 'desktop-a'), {
        keychain: memoryKeychain(),
        team: { clock: clock.now },
      });
      try {
        expectOk(await core.call('profile.create', { displayName: 'Rep' }));
        const enroll = { serverUrl: server.url, ...REP };
        const asked = await core.call('team.enroll', enroll);
        expect(asked).toMatchObject({ ok: false, error: { code: 'SECOND_FACTOR_REQUIRED' } });
        expect(expectOk(await core.call<TeamStatus>('team.status')).enrolled).toBe(false);

        const wrong = await core.call('team.enroll', { ...enroll, secondFactorCode: '000000' });
        expect(wrong).toMatchObject({ ok: false, error: { code: 'AUTH' } });
        expect(expectOk(await core.call<TeamStatus>('team.status')).enrolled).toBe(false);

        expectOk(
          await core.call('team.enroll', { ...enroll, secondFactorCode: await totpCodeAt(secret, clock.now()) }),
        );
        const status = expectOk(await core.call<TeamStatus>('team.status'));
        expect(status).toMatchObject({ enrolled: true, serverUrl: server.url, policy: { version: 1 } });
      } finally {
        await core.close();
      }

      // Another computer: a recovery code works once.
      const other = await openTestCore(join(temp.path, 'desktop-b'), {
        keychain: memoryKeychain(),
        team: { clock: clock.now },
      });
      try {
        expectOk(await other.call('profile.create', { displayName: 'Rep, laptop' }));
        const enroll = { serverUrl: server.url, ...REP, secondFactorCode: recoveryCodes[0]! };
        expectOk(await other.call('team.enroll', enroll));
        expect(expectOk(await other.call<TeamStatus>('team.status')).enrolled).toBe(true);
      } finally {
        await other.close();
      }
    } finally {
      await server.close();
    }
  });
  it('refuses a temporary password with where to choose one’s own, then enrolls with the chosen one', async () => {
    const server = await startServer({
      database: { kind: 'sqlite', file: join(temp.path, 'server-temporary', 'server.db') },
      host: '127.0.0.1',
      port: 0,
    });
    try {
      const { admin, rep } = await adminAndRep(server);
      const temporary = 'temporary passphrase from the admin';
      await serverApi(server, 'PUT', `/api/admin/users/${rep.id}/password`, admin, { newPassword: temporary });

      const core = await openTestCore(join(temp.path, 'desktop-temporary'), { keychain: memoryKeychain() });
      try {
        expectOk(await core.call('profile.create', { displayName: 'Rep' }));
        const refused = await core.call('team.enroll', {
          serverUrl: server.url,
          email: REP.email,
          password: temporary,
        });
        expect(refused).toMatchObject({ ok: false, error: { code: 'PASSWORD_CHANGE_REQUIRED' } });
        expect(refused.ok ? '' : refused.error.message).toContain(`${server.url}/admin`);
        expect(expectOk(await core.call<TeamStatus>('team.status')).enrolled).toBe(false);

        // What the admin pages do: the sign-in's challenge and the rep's own password.
        const step = await fetch(`${server.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: REP.email, password: temporary }),
        });
        const { challenge } = ((await step.json()) as Body<{ challenge: string }>).value;
        const own = 'the rep’s own passphrase now';
        const chosen = await fetch(`${server.url}/api/auth/new-password`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ challenge, newPassword: own }),
        });
        expect(chosen.status).toBe(200);

        expectOk(await core.call('team.enroll', { serverUrl: server.url, email: REP.email, password: own }));
        expect(expectOk(await core.call<TeamStatus>('team.status')).enrolled).toBe(true);
      } finally {
        await core.close();
      }
    } finally {
      await server.close();
    }
  });
});
