import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RoleView, TeamView, UserView } from '../../common/api/server-admin.js';
import type { GrantView } from '../../common/api/server-grants.js';
import type { PolicyRefreshResult } from '../../common/api/team.js';
import type { PolicyView } from '../../common/rbac/policy.js';
import { startServer } from '../../server/start.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { ManualClock } from '../harness/team-server.js';
import { bootstrapAdmin, memoryKeychain, serverApi } from '../harness/team-desktop.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Just-in-time grants end to end: a real team server on 127.0.0.1 and a real core, one clock for
// both. A rep without contact export asks for it from the app, their manager approves it on the
// server, the desktop's next policy fetch brings it and contacts.export works; when the grant runs
// out the same call is FORBIDDEN again (the desktop's evaluator alone, offline), and the server's
// next policy no longer carries it.

const ADMIN = { email: 'admin@example.com', password: 'a long passphrase nobody guesses' };
const MANAGER = { email: 'manager@example.com', password: 'manager passphrase of decent length' };
const REP = { email: 'rep@example.com', password: 'rep passphrase of decent length' };
const MINUTE = 60_000;

const temp = makeTempDir('clientele-grants-');
afterAll(() => temp.remove());

describe('just-in-time grants between a real core and a real team server', () => {
  it('asks, gets approved, exports until the grant runs out, and is refused after', async () => {
    const clock = new ManualClock(Date.now());
    const server = await startServer({
      database: { kind: 'sqlite', file: join(temp.path, 'server', 'server.db') },
      host: '127.0.0.1',
      port: 0,
      clock,
    });
    const admin = await bootstrapAdmin(server, ADMIN);
    const roles = await serverApi<RoleView[]>(server, 'GET', '/api/admin/roles', admin);
    const roleId = (name: string) => roles.find((role) => role.name === name)!.id;
    const manager = await serverApi<UserView>(server, 'POST', '/api/admin/users', admin, MANAGER);
    const rep = await serverApi<UserView>(server, 'POST', '/api/admin/users', admin, REP);
    await serverApi(server, 'PUT', `/api/admin/users/${manager.id}/roles/${roleId('Sales manager')}`, admin);
    await serverApi(server, 'PUT', `/api/admin/users/${rep.id}/roles/${roleId('Sales rep')}`, admin);
    const team = await serverApi<TeamView>(server, 'POST', '/api/admin/teams', admin, { name: 'Sales' });
    await serverApi(server, 'PUT', `/api/admin/teams/${team.id}/members/${manager.id}`, admin, { manager: true });
    await serverApi(server, 'PUT', `/api/admin/teams/${team.id}/members/${rep.id}`, admin, { manager: false });
    const managerToken = (
      (await (
        await fetch(`${server.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(MANAGER),
        })
      ).json()) as { value: { token: string } }
    ).value.token;

    const core = await openTestCore(join(temp.path, 'desktop'), {
      keychain: memoryKeychain(),
      team: { clock: clock.now },
    });
    try {
      expectOk(await core.call('profile.create', { displayName: 'Rep' }));
      // Not enrolled: nobody to ask.
      expect(await core.call('team.requestGrant', exportRequest())).toMatchObject({
        ok: false,
        error: { code: 'CONFLICT', message: expect.stringContaining('not enrolled with a team server') },
      });
      expectOk(await core.call('team.enroll', { serverUrl: server.url, ...REP }));
      expect(await core.call('contacts.export', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

      // The request goes out with the sealed session: the rep lacks the permission, and may ask.
      const asked = expectOk(await core.call<GrantView>('team.requestGrant', exportRequest()));
      expect(asked).toMatchObject({ status: 'pending', object: 'contact', action: 'export', userId: rep.id });
      // The server's refusals come back with their code and words.
      expect(await core.call('team.requestGrant', exportRequest())).toEqual({
        ok: false,
        error: {
          code: 'CONFLICT',
          message: 'You asked for export contact already; that request is waiting for a decision.',
        },
      });
      expect(await core.call('team.requestGrant', { ...exportRequest(), scope: 'everything' })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });

      // The manager approves it for 30 minutes (of the 60 asked).
      clock.advance(MINUTE);
      await serverApi(server, 'POST', `/api/grants/${asked.id}/approve`, managerToken, { minutes: 30 });
      const approvedAt = clock.now();

      // Until the next fetch, nothing changed on the desktop.
      expect(await core.call('contacts.export', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(expectOk(await core.call<PolicyRefreshResult>('team.refreshPolicy'))).toEqual({
        outcome: 'updated',
        version: 2,
        message: null,
      });
      expect(expectOk(await core.call<PolicyView>('policy.get')).permissions.contact?.export).toBe('own');
      expectOk(await core.call('contacts.export', {}));
      expect(expectOk(await core.call<GrantView[]>('team.listGrants'))).toEqual([
        expect.objectContaining({
          id: asked.id,
          status: 'approved',
          approvedMinutes: 30,
          expiresAt: new Date(approvedAt + 30 * MINUTE).toISOString(),
        }),
      ]);

      // Past its end the desktop refuses on its own, before any fetch (offline works the same).
      clock.advance(30 * MINUTE);
      expect(await core.call('contacts.export', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(expectOk(await core.call<PolicyView>('policy.get')).permissions.contact).not.toHaveProperty('export');
      // And the server's next policy no longer carries it: a new version, no grant.
      expect(expectOk(await core.call<PolicyRefreshResult>('team.refreshPolicy'))).toMatchObject({
        outcome: 'updated',
        version: 3,
      });
      expect(await core.call('contacts.export', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(expectOk(await core.call<GrantView[]>('team.listGrants'))[0]).toMatchObject({ status: 'expired' });

      // Another request, approved, then given back from the app: the policy follows at once.
      const again = expectOk(await core.call<GrantView>('team.requestGrant', exportRequest()));
      await serverApi(server, 'POST', `/api/grants/${again.id}/approve`, managerToken, {});
      expectOk(await core.call('team.refreshPolicy'));
      expectOk(await core.call('contacts.export', {}));
      expect(expectOk(await core.call<GrantView>('team.cancelGrant', { id: again.id })).status).toBe('cancelled');
      expect(await core.call('contacts.export', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await core.call('team.cancelGrant', { id: again.id })).toMatchObject({
        ok: false,
        error: { code: 'CONFLICT' },
      });
    } finally {
      await core.close();
      await server.close();
    }
  });
});

function exportRequest() {
  return {
    object: 'contact',
    action: 'export',
    scope: 'own',
    minutes: 60,
    reason: 'The customer asked for a copy of their contacts',
  };
}
