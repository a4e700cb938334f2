import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PolicyView } from '../../common/rbac/policy.js';
import { KeyVault } from '../../main/core/profile/key-vault.js';
import type { Keychain } from '../../main/platform/keychain/keychain.js';
import { ServerPolicySource } from '../../main/rbac/server-policy-source.js';
import { Store } from '../../main/store/store.js';
import { silentLogger } from '../../main/util/logger.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { makeSigner, policyDocument } from '../harness/policy-signer.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The core as the CLI runs it: a solo profile may do everything; the same profile enrolled with a team
// server (enrollment written into its store, as the enrollment flow will) enforces the signed policy on
// every call, strips hidden fields, queues refusals for the server's audit log, and locks read-only
// once the policy is past its expiry plus grace. The clock is the core's injected one.

const HOUR = 3_600_000;
const data = makeTempDir();
afterAll(() => data.remove());

/** The keychain in memory: this test is about the policy, not the OS keychain. */
function memoryKeychain(): Keychain {
  const secrets = new Map<string, Buffer>();
  return {
    get: async (account) => secrets.get(account) ?? null,
    set: async (account, secret) => void secrets.set(account, Buffer.from(secret)),
    delete: async (account) => secrets.delete(account),
    assertWritable: async () => undefined,
  };
}

describe('the core with a team policy', () => {
  it('goes from solo owner to the signed policy, audits refusals, and fails closed offline', async () => {
    const keychain = memoryKeychain();
    let now = Date.parse('2026-06-01T09:00:00Z');
    const options = { keychain, team: { clock: () => now } };

    let core = await openTestCore(data.path, options);
    expectOk(await core.call('profile.create', { displayName: 'Rep' }));
    expect(expectOk(await core.call<PolicyView>('policy.get'))).toMatchObject({
      source: 'local',
      readOnlyReason: null,
    });
    expectOk(await core.call('deals.create', { name: 'Acme', amountMinor: 5000, currency: 'EUR' }));
    await core.close();

    // Enrollment as the enrollment flow will leave it: pinned key, user, workspace, a verified policy.
    const { id } = JSON.parse(readFileSync(join(data.path, 'profile.json'), 'utf8')) as { id: string };
    const keys = await new KeyVault(keychain).load(id);
    const store = Store.open(join(data.path, 'clientele.db'), keys!, { create: false });
    const signer = await makeSigner();
    store.team.enroll({
      serverUrl: 'https://t.test',
      workspaceId: 'ws',
      userId: 'user-rep',
      publicKeyJwk: signer.publicKeyJwk,
    });
    const document = policyDocument(
      now,
      {
        userId: 'user-rep',
        workspaceId: 'ws',
        permissions: { deal: { view: 'team', edit: 'own' }, settings: { view: 'all', edit: 'all' } },
        fieldRules: { deal: { amount: 'hidden' } },
        offlineGraceHours: 24,
      },
      48,
    );
    const verdict = await new ServerPolicySource(
      () => store.team,
      silentLogger(),
      () => now,
    ).accept(await signer.sign(document), null);
    expect(verdict.ok).toBe(true);
    store.close();

    core = await openTestCore(data.path, options);
    try {
      expect(expectOk(await core.call<PolicyView>('policy.get'))).toMatchObject({
        source: 'server',
        permissions: { deal: { view: 'team', edit: 'own' } },
      });
      const deals = expectOk(await core.call<{ items: Record<string, unknown>[] }>('deals.list', {}));
      expect(deals.items).toHaveLength(1);
      expect(deals.items[0]).not.toHaveProperty('amountMinor');
      expect(await core.call('deals.create', { name: 'X', amountMinor: 1, currency: 'EUR' })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      expect(await core.call('deals.export', { format: 'csv' })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      expectOk(await core.call('settings.update', { theme: 'dark' }));

      // Offline within the grace: unchanged. Past it: read-only, with the reason.
      now = Date.parse(document.expiresAt) + 23 * HOUR;
      expectOk(await core.call('settings.update', { theme: 'light' }));
      now = Date.parse(document.expiresAt) + 24 * HOUR;
      const locked = await core.call('settings.update', { theme: 'dark' });
      expect(locked).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(!locked.ok && locked.error.message).toContain(`policy expired offline since ${document.expiresAt}`);
      expectOk(await core.call('settings.get'));
      expectOk(await core.call('deals.list', {}));
      expect(expectOk(await core.call<PolicyView>('policy.get')).readOnlyReason).toMatch(/expired offline/);
    } finally {
      await core.close();
    }

    const after = Store.open(join(data.path, 'clientele.db'), keys!, { create: false });
    try {
      const audited = after.team.pendingAudit().map((event) => [event.kind, (event.detail as { call: string }).call]);
      expect(audited).toEqual([
        ['call.forbidden', 'deals.create'],
        ['call.forbidden', 'deals.export'],
        ['call.forbidden', 'settings.update'],
      ]);
    } finally {
      after.close();
    }
  });
});
