import { join } from 'node:path';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import type { RoleView, UserView } from '../../common/api/server-admin.js';
import type { PolicyRefreshResult, TeamStatus } from '../../common/api/team.js';
import type { PolicyView } from '../../common/rbac/policy.js';
import { readKeyFile } from '../../server/secrets/key-file.js';
import { dataDirKeyFile } from '../../server/secrets/key-source.js';
import { placeOf, WORKSPACE_PRIVATE_KEY } from '../../server/secrets/sealed-columns.js';
import { ServerSecrets } from '../../server/secrets/server-secrets.js';
import { startServer } from '../../server/start.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { ManualClock } from '../harness/team-server.js';
import { bootstrapAdmin, memoryKeychain, serverApi } from '../harness/team-desktop.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The proof of issue 7's loop: a real team server (in this process, listening on 127.0.0.1) and a real
// core. An admin gives a rep "Sales rep" with contact export; the rep enrolls and exports; the admin
// takes export away; at the next policy fetch the core refuses the export, the version went up, and
// the old policy is not taken back. A wrong password stores nothing; a server whose key changed after
// enrollment gets its policies refused.

const ADMIN = { email: 'admin@example.com', password: 'a long passphrase nobody guesses' };
const REP = { email: 'rep@example.com', password: 'rep passphrase of decent length' };
type Body<T> = { ok: boolean; value: T; error?: { code: string; message: string } };

const temp = makeTempDir('clientele-enroll-');
afterAll(() => temp.remove());

describe('enrollment with a real team server', () => {
  it('enrolls, enforces the signed policy, follows a narrowed role, and refuses replays and a changed key', async () => {
    const clock = new ManualClock(Date.now());
    const databaseFile = join(temp.path, 'server', 'server.db');
    let server = await startServer({
      database: { kind: 'sqlite', file: databaseFile },
      host: '127.0.0.1',
      port: 0,
      clock,
    });
    const port = new URL(server.url).port;

    // The first admin, a rep, and "Sales rep" widened with contact export.
    const admin = await bootstrapAdmin(server, ADMIN);
    const rep = await serverApi<UserView>(server, 'POST', '/api/admin/users', admin, REP);
    const salesRep = (await serverApi<RoleView[]>(server, 'GET', '/api/admin/roles', admin)).find(
      (role) => role.name === 'Sales rep',
    )!;
    const withExport = { ...salesRep.permissions, contact: { ...salesRep.permissions.contact, export: 'team' } };
    await serverApi(server, 'PUT', `/api/admin/roles/${salesRep.id}`, admin, { permissions: withExport });
    await serverApi(server, 'PUT', `/api/admin/users/${rep.id}/roles/${salesRep.id}`, admin);

    // The desktop fetches through this, so the test can replay an old policy at it.
    let replay: string | null = null;
    const fetchThrough: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : input instanceof URL ? input.href : input;
      if (replay !== null && url.endsWith('/api/policy')) {
        return new Response(replay, { status: 200, headers: { 'content-type': 'application/jose' } });
      }
      return fetch(input, init);
    };
    const core = await openTestCore(join(temp.path, 'desktop'), {
      keychain: memoryKeychain(),
      team: { clock: clock.now, fetch: fetchThrough },
    });
    try {
      expectOk(await core.call('profile.create', { displayName: 'Rep' }));

      // Plain http to another machine, and a wrong password: refused, nothing stored.
      const insecure = await core.call('team.enroll', { serverUrl: 'http://team.example.com', ...REP });
      expect(insecure).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      const wrong = await core.call('team.enroll', {
        serverUrl: server.url,
        email: REP.email,
        password: 'not the password at all',
      });
      expect(wrong).toEqual({
        ok: false,
        error: { code: 'AUTH', message: 'The email or password is incorrect.' },
      });
      expect(expectOk(await core.call<TeamStatus>('team.status'))).toMatchObject({ enrolled: false, policy: null });
      expect(expectOk(await core.call<PolicyView>('policy.get')).source).toBe('local');

      // A fingerprint that is not the server's: refused before anything is stored.
      const pinnedElsewhere = await core.call('team.enroll', {
        serverUrl: server.url,
        ...REP,
        expectedFingerprint: 'A'.repeat(43),
      });
      expect(pinnedElsewhere).toMatchObject({ ok: false, error: { code: 'AUTH' } });
      expect(expectOk(await core.call<TeamStatus>('team.status')).enrolled).toBe(false);

      // The rep enrolls: the key is pinned, the first policy applies, export works.
      const workspace = (await (await fetch(`${server.url}/api/workspace`)).json()) as Body<{
        workspaceId: string;
        fingerprint: string;
      }>;
      expect(workspace.value.fingerprint).toBe(server.workspaceFingerprint);
      const enrolled = expectOk(
        await core.call<TeamStatus>('team.enroll', {
          serverUrl: `${server.url}/`,
          ...REP,
          expectedFingerprint: workspace.value.fingerprint,
        }),
      );
      expect(enrolled).toMatchObject({
        enrolled: true,
        serverUrl: server.url,
        userId: rep.id,
        workspaceId: workspace.value.workspaceId,
        workspaceFingerprint: workspace.value.fingerprint,
        policy: { version: 1 },
      });
      expect(expectOk(await core.call<PolicyView>('policy.get'))).toMatchObject({
        source: 'server',
        permissions: { contact: { export: 'team' } },
      });
      expectOk(await core.call('contacts.export', {}));
      // What a replay will send later: the policy of version 1, as the server signed it.
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(REP),
      });
      const repToken = ((await login.json()) as Body<{ token: string }>).value.token;
      const oldPolicy = await (
        await fetch(`${server.url}/api/policy`, { headers: { authorization: `Bearer ${repToken}` } })
      ).text();

      // Signing in again as the same user (an expired session, say) keeps the policy in force.
      const again = expectOk(await core.call<TeamStatus>('team.enroll', { serverUrl: server.url, ...REP }));
      expect(again).toMatchObject({ enrolled: true, userId: rep.id, policy: { version: 1 } });
      expect(again.enrolledAt).toBe(enrolled.enrolledAt);

      // Unchanged rights: the next fetch is a 304.
      expect(expectOk(await core.call<PolicyRefreshResult>('team.refreshPolicy'))).toMatchObject({
        outcome: 'not-modified',
      });

      // The admin takes export away; the next fetch brings version 2 and the core refuses the export.
      await serverApi(server, 'PUT', `/api/admin/roles/${salesRep.id}`, admin, { permissions: salesRep.permissions });
      clock.advance(60_000);
      expect(expectOk(await core.call<PolicyRefreshResult>('team.refreshPolicy'))).toEqual({
        outcome: 'updated',
        version: 2,
        message: null,
      });
      expect(await core.call('contacts.export', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      const status = expectOk(await core.call<TeamStatus>('team.status'));
      expect(status.policy?.version).toBe(2);
      // Settings shows until when the app works without the server: expiry + the admin's grace.
      expect(status.policy?.offlineGraceHours).toBe(72);
      expect(Date.parse(status.policy!.worksOfflineUntil)).toBe(Date.parse(status.policy!.expiresAt) + 72 * 3_600_000);

      // The old policy (version 1, validly signed, not expired) is not taken again.
      replay = oldPolicy;
      const replayed = expectOk(await core.call<PolicyRefreshResult>('team.refreshPolicy'));
      expect(replayed).toMatchObject({ outcome: 'rejected', version: null });
      expect(replayed.message).toMatch(/version 1, older than version 2/);
      replay = null;
      expect(await core.call('contacts.export', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

      // The server's workspace key changes (a new key pair in its database, sealed with its server
      // key, the server restarted on the same address): its policies no longer verify against the
      // pinned key, whatever they grant.
      const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      const database = (await import('../../server/db/database.js')).openDatabase({
        kind: 'sqlite',
        file: databaseFile,
      });
      await server.close();
      const secrets = new ServerSecrets(readKeyFile(dataDirKeyFile(databaseFile))!);
      const { id } = await database.db.selectFrom('workspace').select('id').executeTakeFirstOrThrow();
      await database.db
        .updateTable('workspace')
        .set({
          public_key_jwk: JSON.stringify(await exportJWK(publicKey)),
          private_key_sealed: secrets.seal(await exportPKCS8(privateKey), placeOf(WORKSPACE_PRIVATE_KEY, id)),
        })
        .execute();
      await database.close();
      server = await startServer({
        database: { kind: 'sqlite', file: databaseFile },
        host: '127.0.0.1',
        port: Number(port),
        clock,
      });
      await serverApi(server, 'PUT', `/api/admin/roles/${salesRep.id}`, admin, { permissions: withExport });
      const changedKey = expectOk(await core.call<PolicyRefreshResult>('team.refreshPolicy'));
      expect(changedKey).toMatchObject({ outcome: 'rejected' });
      expect(changedKey.message).toMatch(/not signed with the workspace key pinned at enrollment/);
      expect(await core.call('contacts.export', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(expectOk(await core.call<TeamStatus>('team.status')).policy?.version).toBe(2);

      // Signing in again does not re-pin: the changed key is refused, and nothing changes.
      const repin = await core.call('team.enroll', { serverUrl: server.url, ...REP });
      expect(repin).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect(!repin.ok && repin.error.message).toMatch(/now presents another key/);
      expect(expectOk(await core.call<TeamStatus>('team.status'))).toMatchObject({
        workspaceFingerprint: workspace.value.fingerprint,
        policy: { version: 2 },
      });
    } finally {
      await core.close();
      await server.close();
    }
  });
});
