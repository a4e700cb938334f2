import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEAM_SESSION_SECRET } from '../../main/core/core.js';
import { KeyVault } from '../../main/core/profile/key-vault.js';
import { Store } from '../../main/store/store.js';
import { verifyAuditChain } from '../../server/audit/verify-chain.js';
import { issueBootstrapToken } from '../../server/auth/bootstrap.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { ManualClock, post, startInstance, type ServerInstance } from '../harness/team-server.js';
import { memoryKeychain } from '../harness/team-desktop.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The desktop's audit outbox reaching a real team server (SQLite, listening on loopback), driven by
// the core as the app runs it (background work on): queued events are uploaded once and leave the
// outbox; a response lost on the way back leaves them queued and the retry does not duplicate them
// on the server; with the server down they wait.

const data = makeTempDir();
const serverDir = makeTempDir('clientele-audit-server-');
afterAll(() => {
  data.remove();
  serverDir.remove();
});

type FetchMode = 'pass' | 'drop-response';

/**
 * The core's fetch: audit uploads go to the server ('drop-response' lets the server process the
 * request and then fails as a reset connection would); the policy fetcher gets a 304 so this test
 * is only about the outbox. `settled` resolves after the first upload attempt, however it ended.
 */
function teamFetch(mode: FetchMode) {
  let markSettled!: (outcome: string) => void;
  const settled = new Promise<string>((resolve) => (markSettled = resolve));
  const fetchFn: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.pathname !== '/api/audit/events') return new Response(null, { status: 304 });
    try {
      const response = await globalThis.fetch(input, init);
      await response.clone().text();
      if (mode === 'drop-response') {
        markSettled('dropped');
        throw new TypeError('fetch failed: connection reset');
      }
      markSettled(`status ${response.status}`);
      return response;
    } catch (error) {
      markSettled('failed');
      throw error;
    }
  };
  return { fetchFn, settled };
}

describe('the audit outbox upload', () => {
  it('uploads once, survives a lost response without duplicates, and waits while the server is down', async () => {
    const keychain = memoryKeychain();
    const clock = new ManualClock();
    let server: ServerInstance | null = await startInstance(
      { kind: 'sqlite', file: join(serverDir.path, 'server.db') },
      clock,
    );
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const serverUrl = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    const issued = await issueBootstrapToken(server.context.db, clock.now());
    const boot = await post(server.app, '/api/auth/bootstrap', {
      token: issued!.token,
      email: 'rep@example.com',
      password: 'a long passphrase nobody guesses',
    });
    const sessionToken = boot.body.value.token;
    const userId = boot.body.value.user.id;

    let core = await openTestCore(data.path, { keychain });
    expectOk(await core.call('profile.create', { displayName: 'Rep' }));
    await core.close();
    const { id } = JSON.parse(readFileSync(join(data.path, 'profile.json'), 'utf8')) as { id: string };
    const keys = (await new KeyVault(keychain).load(id))!;
    const withStore = <T>(use: (store: Store) => T): T => {
      const store = Store.open(join(data.path, 'clientele.db'), keys, { create: false });
      try {
        return use(store);
      } finally {
        store.close();
      }
    };
    // Enrolled as the enrollment flow leaves it, with three events waiting.
    withStore((store) => {
      store.team.enroll({ serverUrl, workspaceId: 'ws', userId, publicKeyJwk: '{}' });
      store.secrets.put(TEAM_SESSION_SECRET, sessionToken);
      store.team.enqueueAudit('call.forbidden', { call: 'deals.export' });
      store.team.enqueueAudit('call.forbidden', { call: 'deals.create' });
      store.team.enqueueAudit('policy.rejected', { code: 'POLICY_EXPIRED' });
    });
    const queuedIds = withStore((store) => store.team.pendingAudit().map((event) => event.eventId));
    expect(queuedIds).toHaveLength(3);
    const clientEntries = async () =>
      await server!.context.db
        .selectFrom('audit_log')
        .selectAll()
        .where('source', '=', 'client')
        .orderBy('seq')
        .execute();

    // 1. The server stores the batch but the response never arrives: nothing leaves the outbox.
    const lost = teamFetch('drop-response');
    core = await openTestCore(data.path, { keychain, backgroundSync: true, team: { fetch: lost.fetchFn } });
    expect(await lost.settled).toBe('dropped');
    await core.close(); // waits for the upload run in flight
    expect(withStore((store) => store.team.pendingAudit().map((event) => event.eventId))).toEqual(queuedIds);
    expect(await clientEntries()).toHaveLength(3);

    // 2. The retry is acknowledged: the outbox empties, the server still holds each event once.
    const retry = teamFetch('pass');
    core = await openTestCore(data.path, { keychain, backgroundSync: true, team: { fetch: retry.fetchFn } });
    expect(await retry.settled).toBe('status 200');
    await core.close();
    expect(withStore((store) => store.team.pendingAudit())).toEqual([]);
    const stored = await clientEntries();
    expect(stored.map((row) => [row.action, row.actor_user_id, row.client_event_id])).toEqual([
      ['call.forbidden', userId, queuedIds[0]],
      ['call.forbidden', userId, queuedIds[1]],
      ['policy.rejected', userId, queuedIds[2]],
    ]);
    expect(await verifyAuditChain(server.context.db)).toMatchObject({ ok: true });

    // 3. Server down: new events stay queued.
    await server.close();
    server = null;
    withStore((store) => store.team.enqueueAudit('call.forbidden', { call: 'contacts.delete' }));
    const down = teamFetch('pass');
    core = await openTestCore(data.path, { keychain, backgroundSync: true, team: { fetch: down.fetchFn } });
    expect(await down.settled).toBe('failed');
    await core.close();
    expect(withStore((store) => store.team.pendingAudit().map((event) => event.kind))).toEqual(['call.forbidden']);
  });
});
