import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAllowed } from '../../common/rbac/evaluate.js';
import { CALL_NAMES } from '../../common/api/contract.js';
import { Dispatcher } from '../../main/core/api/dispatcher.js';
import type { Handlers } from '../../main/core/api/handlers.js';
import type { ProfileManager } from '../../main/core/profile/profile-manager.js';
import { policyHandlers } from '../../main/core/services/policy-handlers.js';
import { ProfilePolicySource } from '../../main/rbac/policy-source.js';
import { ServerPolicySource } from '../../main/rbac/server-policy-source.js';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import { Store } from '../../main/store/store.js';
import { silentLogger } from '../../main/util/logger.js';
import { makeSigner, policyDocument } from '../harness/policy-signer.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The core's choice of policy: a profile with no team server is a single user who may do everything;
// once enrolled, only the server's signed policy counts (and leaving the server restores the owner).

const dir = makeTempDir();
afterAll(() => dir.remove());

it('uses the local owner policy until enrolled, then the signed policy', async () => {
  const store = Store.open(
    join(dir.path, 'c.db'),
    { databaseKey: randomBytes(32), fieldKey: randomBytes(32) },
    {
      create: true,
      migrations: MIGRATIONS,
    },
  );
  try {
    const profiles = {
      requireStore: () => store,
      requireProfile: () => ({ id: 'local-owner' }),
    } as unknown as ProfileManager;
    const now = Date.parse('2026-06-01T09:00:00Z');
    const server = new ServerPolicySource(
      () => store.team,
      silentLogger(),
      () => now,
    );
    const policies = new ProfilePolicySource(profiles, server);
    const exportContacts = { object: 'contact', action: 'export' } as const;

    expect(policies.current()).toMatchObject({ source: 'local', userId: 'local-owner' });
    expect(isAllowed(policies.current(), exportContacts)).toBe(true);
    const stubs = Object.fromEntries(CALL_NAMES.map((name) => [name, () => Promise.reject(new Error(name))]));
    const dispatcher = new Dispatcher(
      { ...stubs, ...policyHandlers(policies) } as unknown as Handlers,
      policies,
      silentLogger(),
    );
    const view = async () => {
      const result = await dispatcher.dispatch({ transport: 'ipc' }, 'policy.get', {});
      if (!result.ok) throw new Error(result.error.message);
      return result.value;
    };
    expect(await view()).toMatchObject({ source: 'local', emailVisibility: 'full', readOnlyReason: null });
    expect(await view()).toHaveProperty(['permissions', 'users', 'delete'], 'all');

    const signer = await makeSigner();
    store.team.enroll({
      serverUrl: 'https://t.test',
      workspaceId: 'ws-acme',
      userId: 'user-rep',
      publicKeyJwk: signer.publicKeyJwk,
    });
    // Enrolled, no policy yet: closed, never open.
    expect(isAllowed(policies.current(), exportContacts)).toBe(false);
    expect(policies.current().source).toBe('server');

    expect(await view()).toMatchObject({ source: 'server', permissions: {}, readOnlyReason: expect.any(String) });

    const grant = {
      id: 'g1',
      object: 'deal',
      action: 'export',
      scope: 'team',
      expiresAt: new Date(now + 60_000).toISOString(),
    } as const;
    await server.accept(
      await signer.sign(
        policyDocument(now, {
          permissions: { contact: { view: 'own' } },
          fieldRules: { deal: { amount: 'hidden' } },
          emailVisibility: 'subject',
          grants: [grant, { ...grant, id: 'g0', action: 'delete', expiresAt: new Date(now).toISOString() }],
        }),
      ),
      null,
    );
    // What the UI is told: effective scopes with the live grant folded in (the expired one gone).
    expect(await view()).toEqual({
      source: 'server',
      permissions: { contact: { view: 'own' }, deal: { export: 'team' } },
      fieldRules: { deal: { amount: 'hidden' } },
      emailVisibility: 'subject',
      readOnlyReason: null,
    });
    expect(policies.current()).toMatchObject({ source: 'server', userId: 'user-rep' });
    expect(isAllowed(policies.current(), exportContacts, policies.now())).toBe(false);
    expect(isAllowed(policies.current(), { object: 'contact', action: 'view' }, policies.now())).toBe(true);

    store.team.unenroll();
    expect(policies.current().source).toBe('local');
  } finally {
    store.close();
  }
});

describe('the audit outbox', () => {
  it('queues events in order and marks them sent', () => {
    const store = Store.open(
      join(dir.path, 'd.db'),
      { databaseKey: randomBytes(32), fieldKey: randomBytes(32) },
      {
        create: true,
        migrations: MIGRATIONS,
      },
    );
    try {
      store.team.enqueueAudit('call.forbidden', { call: 'deals.export', transport: 'cli', message: 'no' });
      store.team.enqueueAudit('policy.rejected', { code: 'POLICY_EXPIRED' });
      const pending = store.team.pendingAudit();
      expect(pending.map((event) => [event.kind, event.detail])).toEqual([
        ['call.forbidden', { call: 'deals.export', transport: 'cli', message: 'no' }],
        ['policy.rejected', { code: 'POLICY_EXPIRED' }],
      ]);
      store.team.markAuditSent([pending[0]!.id]);
      expect(store.team.pendingAudit().map((event) => event.kind)).toEqual(['policy.rejected']);
    } finally {
      store.close();
    }
  });
});
