import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../common/api/events.js';
import type { RoleView, UserView } from '../../common/api/server-admin.js';
import type { PolicyRefreshResult, TeamStatus } from '../../common/api/team.js';
import { startServer } from '../../server/start.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { memoryKeychain } from '../harness/team-desktop.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The UI re-reads policy.get when the core says `policy.changed`: sent when enrollment stores the
// first policy and when a fetch stores a newer one, not when the server answers "unchanged". A real
// team server on 127.0.0.1 and a real core.

const ADMIN = { email: 'admin@example.com', password: 'a long passphrase nobody guesses' };
const REP = { email: 'rep@example.com', password: 'rep passphrase of decent length' };
const temp = makeTempDir('clientele-policy-events-');
afterAll(() => temp.remove());

type Body<T> = { ok: boolean; value: T; error?: { message: string } };

describe('policy.changed', () => {
  it('goes out when enrollment or a fetch stores a new policy, not on an unchanged one', async () => {
    const server = await startServer({
      database: { kind: 'sqlite', file: join(temp.path, 'server.db') },
      host: '127.0.0.1',
      port: 0,
    });
    const core = await openTestCore(join(temp.path, 'desktop'), { keychain: memoryKeychain() });
    try {
      const token = new URL(server.bootstrapLink!.replace('#token=', '?token=')).searchParams.get('token')!;
      const bootstrap = await fetch(`${server.url}/api/auth/bootstrap`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, ...ADMIN }),
      });
      const adminToken = ((await bootstrap.json()) as Body<{ token: string }>).value.token;
      const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${adminToken}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const parsed = (await response.json()) as Body<T>;
        if (!parsed.ok) throw new Error(`${method} ${path}: ${parsed.error?.message}`);
        return parsed.value;
      };
      const rep = await admin<UserView>('POST', '/api/admin/users', REP);
      const salesRep = (await admin<RoleView[]>('GET', '/api/admin/roles')).find((role) => role.name === 'Sales rep')!;
      await admin('PUT', `/api/admin/users/${rep.id}/roles/${salesRep.id}`);

      const events: AppEvent[] = [];
      core.subscribe((event) => events.push(event));
      expectOk(await core.call('profile.create', { displayName: 'Rep' }));
      const status = expectOk(await core.call<TeamStatus>('team.enroll', { serverUrl: server.url, ...REP }));
      expect(status.policy?.version).toBe(1);
      expect(events).toEqual([{ name: 'policy.changed', payload: { version: 1 } }]);

      // Unchanged rights: 304, nothing to tell.
      expect(expectOk(await core.call<PolicyRefreshResult>('team.refreshPolicy')).outcome).toBe('not-modified');
      expect(events).toHaveLength(1);

      await admin('PUT', `/api/admin/roles/${salesRep.id}`, {
        permissions: { ...salesRep.permissions, contact: { ...salesRep.permissions.contact, export: 'team' } },
      });
      expect(expectOk(await core.call<PolicyRefreshResult>('team.refreshPolicy'))).toMatchObject({
        outcome: 'updated',
        version: 2,
      });
      expect(events).toEqual([
        { name: 'policy.changed', payload: { version: 1 } },
        { name: 'policy.changed', payload: { version: 2 } },
      ]);
    } finally {
      await core.close();
      await server.close();
    }
  });
});
