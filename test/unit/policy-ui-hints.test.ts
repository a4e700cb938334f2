import { describe, expect, it } from 'vitest';
import { canCall } from '../../common/api/can-call.js';
import { CALL_NAMES, contract } from '../../common/api/contract.js';
import { parseAppEvent, type AppEvent } from '../../common/api/events.js';
import { isAllowed } from '../../common/rbac/evaluate.js';
import { localOwnerPolicy, type Policy } from '../../common/rbac/permissions.js';
import { viewOfPolicy } from '../../common/rbac/policy.js';
import { EventBus } from '../../main/core/events/event-bus.js';
import {
  POLICY_FETCH_INTERVAL_ENV,
  POLICY_FETCH_MIN_MS,
  PolicyFetcher,
  policyFetchIntervalFromEnv,
} from '../../main/rbac/policy-fetcher.js';
import type { ServerPolicySource } from '../../main/rbac/server-policy-source.js';
import { silentLogger } from '../../main/util/logger.js';

// What the UI hides (issue 7) must match what the core refuses: canCall reads the permission the
// contract declares, and here it is checked against the evaluator the dispatcher uses, for every call
// and several policies (a read-only lock and a live just-in-time grant included). Also: the
// policy.changed event reaches every user (no data in it), and the test-only fetch interval.

const NOW = Date.parse('2026-06-01T09:00:00Z');
const rep: Policy = {
  source: 'server',
  userId: 'rep',
  permissions: {
    contact: { view: 'team', create: 'own', edit: 'own', export: 'team' },
    deal: { view: 'own', create: 'own' },
    note: { view: 'own', delete: 'own' },
  },
  grants: [
    { id: 'g1', object: 'company', action: 'export', scope: 'team', expiresAt: '2026-06-01T10:00:00Z' },
    { id: 'g2', object: 'deal', action: 'delete', scope: 'own', expiresAt: '2026-06-01T08:00:00Z' },
  ],
};
const POLICIES: Record<string, Policy> = {
  'solo owner': localOwnerPolicy('me'),
  rep,
  'rep locked read-only': { ...rep, readOnlyReason: 'The team policy expired offline.' },
  'no role': { source: 'server', userId: 'nobody', permissions: {} },
};

describe('canCall', () => {
  for (const [label, policy] of Object.entries(POLICIES)) {
    it(`agrees with the core's evaluator on every call of the contract: ${label}`, () => {
      const view = viewOfPolicy(policy, NOW);
      for (const name of CALL_NAMES) {
        const permission = contract[name].permission;
        const expected = permission === 'public' || isAllowed(policy, permission, NOW);
        expect([name, canCall(view, name)]).toEqual([name, expected]);
      }
    });
  }

  it('offers what the rep may do and hides the rest', () => {
    const view = viewOfPolicy(rep, NOW);
    expect(canCall(view, 'contacts.export')).toBe(true);
    expect(canCall(view, 'companies.export')).toBe(true); // the live grant
    expect(canCall(view, 'deals.export')).toBe(false);
    expect(canCall(view, 'deals.delete')).toBe(false); // the expired grant
    const locked = viewOfPolicy(POLICIES['rep locked read-only']!, NOW);
    expect(canCall(locked, 'contacts.export')).toBe(false);
    expect(canCall(locked, 'contacts.list')).toBe(true);
  });

  it('offers only public calls while no policy is known', () => {
    expect(canCall(null, 'policy.get')).toBe(true);
    expect(canCall(null, 'team.refreshPolicy')).toBe(true);
    expect(canCall(null, 'contacts.list')).toBe(false);
    expect(canCall(null, 'contacts.export')).toBe(false);
  });
});

describe('the policy.changed event', () => {
  it('reaches a user without email view (it carries only the version), never a locked profile', () => {
    const noMail: Policy = { source: 'server', userId: 'rep', permissions: { contact: { view: 'own' } } };
    let locked = false;
    const bus = new EventBus({
      current: () => {
        if (locked) throw new Error('PROFILE_LOCKED');
        return noMail;
      },
    });
    const received: AppEvent[] = [];
    bus.subscribe((event) => received.push(event));
    bus.syncChanged('a'); // email view needed: not delivered
    bus.policyChanged(7);
    locked = true;
    bus.policyChanged(8);
    bus.close();
    expect(received).toEqual([{ name: 'policy.changed', payload: { version: 7 } }]);
  });

  it('is parsed on the renderer side, a wrong payload refused', () => {
    expect(parseAppEvent({ name: 'policy.changed', payload: { version: 3 } })).toEqual({
      name: 'policy.changed',
      payload: { version: 3 },
    });
    expect(parseAppEvent({ name: 'policy.changed', payload: { version: 'x' } })).toBeNull();
  });
});

describe('the policy fetch interval', () => {
  it('reads a test interval from the environment only within 1 s .. 120 s', () => {
    expect(policyFetchIntervalFromEnv({})).toBeUndefined();
    expect(policyFetchIntervalFromEnv({ [POLICY_FETCH_INTERVAL_ENV]: '2000' })).toBe(2000);
    expect(policyFetchIntervalFromEnv({ [POLICY_FETCH_INTERVAL_ENV]: '999' })).toBeUndefined();
    expect(policyFetchIntervalFromEnv({ [POLICY_FETCH_INTERVAL_ENV]: '120001' })).toBeUndefined();
    expect(policyFetchIntervalFromEnv({ [POLICY_FETCH_INTERVAL_ENV]: '5s' })).toBeUndefined();
    expect(policyFetchIntervalFromEnv({ [POLICY_FETCH_INTERVAL_ENV]: '-5' })).toBeUndefined();
  });

  it('uses the fixed interval when given, the jittered one otherwise, and reports stored policies', async () => {
    const stored: number[] = [];
    let verdict: { ok: true; document: { version: number } } | { ok: false; code: string; message: string } = {
      ok: true,
      document: { version: 4 },
    };
    const source = { storedEtag: () => null, accept: async () => verdict } as unknown as ServerPolicySource;
    const options = {
      source,
      log: silentLogger(),
      endpoint: () => ({ serverUrl: 'https://team.example.test', sessionToken: 't' }),
      fetch: (async () => new Response('a.b.c', { status: 200 })) as typeof fetch,
      onUpdated: (version: number) => stored.push(version),
    };
    const fixed = new PolicyFetcher({ ...options, intervalMs: 2_000 });
    expect(fixed.nextDelayMs()).toBe(2_000);
    expect(new PolicyFetcher({ ...options, random: () => 0 }).nextDelayMs()).toBe(POLICY_FETCH_MIN_MS);

    expect(await fixed.fetchOnce()).toEqual({ kind: 'updated', version: 4 });
    verdict = { ok: false, code: 'POLICY_EXPIRED', message: 'expired' };
    expect((await fixed.fetchOnce()).kind).toBe('rejected');
    expect(stored).toEqual([4]); // a refused policy changes nothing, so the UI is not told
  });
});
