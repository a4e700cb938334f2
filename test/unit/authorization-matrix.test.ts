import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_NAMES, contract } from '../../common/api/contract.js';
import { AppError } from '../../common/errors.js';
import { combineRoles, type RoleGrants } from '../../common/rbac/evaluate.js';
import { localOwnerPolicy, RbacAction, RbacObject, type Permission } from '../../common/rbac/permissions.js';
import { Dispatcher, type ForbiddenEvent, type PolicySource } from '../../main/core/api/dispatcher.js';
import type { Handlers } from '../../main/core/api/handlers.js';
import { ServerPolicySource } from '../../main/rbac/server-policy-source.js';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import { Store } from '../../main/store/store.js';
import { silentLogger } from '../../main/util/logger.js';
import { makeSigner, policyDocument } from '../harness/policy-signer.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The authorization matrix, generated from the contract: EVERY call x several roles through the real
// dispatcher, each role's policy signed, verified and served by the real ServerPolicySource over an
// encrypted store. A call runs its service exactly when its declared permission is granted (or it
// is public); otherwise FORBIDDEN before the service, with an audit event. A call whose permission
// is missing, unknown, or public without being listed here fails, so a new call cannot slip in
// without a rule.

/** Public calls on purpose: the profile's own life cycle, before any policy can exist. */
const PUBLIC_CALLS: readonly string[] = [
  'app.state',
  'profile.create',
  'profile.unlock',
  'profile.recover',
  'policy.get',
  'team.status',
  'team.refreshPolicy',
  // Asking the team server for a permission one lacks can't need that permission (the server
  // decides, and an approval arrives only as a signed policy).
  'team.requestGrant',
  'team.listGrants',
  'team.cancelGrant',
];

const HOUR = 3_600_000;
const NOW = Date.parse('2026-06-01T09:00:00Z');
const every = (scope: 'own' | 'team' | 'all', actions: readonly RbacAction[] = RbacAction.options) =>
  Object.fromEntries(actions.map((action) => [action, scope]));
const WORK_OBJECTS = ['contact', 'company', 'deal', 'email', 'note', 'task', 'report'] as const;

/** The roles, as an admin would define them on the server. */
const ROLES: Record<string, RoleGrants[]> = {
  admin: [
    { permissions: Object.fromEntries(RbacObject.options.map((o) => [o, every('all')])), emailVisibility: 'full' },
  ],
  manager: [
    {
      permissions: { ...Object.fromEntries(WORK_OBJECTS.map((o) => [o, every('team')])), settings: { view: 'all' } },
      emailVisibility: 'full',
    },
  ],
  'rep (read-only)': [
    { permissions: Object.fromEntries(WORK_OBJECTS.map((o) => [o, { view: 'own' }])), emailVisibility: 'subject' },
    // A second role narrower in places: the widest grant wins (team view of deals, companies).
    { permissions: { deal: { view: 'team' }, company: { view: 'team', export: 'none' } } },
  ],
  'no role': [],
  // A rep's roles, plus a live just-in-time grant of contact export and one that has expired.
  'rep with grants': [
    { permissions: Object.fromEntries(WORK_OBJECTS.map((o) => [o, { view: 'own' }])), emailVisibility: 'subject' },
  ],
};

/** Just-in-time grants the server signed into a role's policy (object, action, how long from NOW). */
const GRANTS: Record<string, { object: RbacObject; action: RbacAction; hours: number }[]> = {
  'rep with grants': [
    { object: 'contact', action: 'export', hours: 1 },
    { object: 'company', action: 'export', hours: -1 },
  ],
};

/** What the role's definitions grant, read straight from them (not through the evaluator). */
function granted(roles: RoleGrants[], permission: Permission): boolean {
  return roles.some((role) => {
    const scope = role.permissions[permission.object]?.[permission.action];
    return scope !== undefined && scope !== 'none';
  });
}

describe('every call declares a known permission', () => {
  it.each(CALL_NAMES.map((name) => [name]))('%s', (name) => {
    const permission = contract[name].permission as unknown;
    if (permission === 'public') {
      expect(PUBLIC_CALLS, `${name} is public: add it to PUBLIC_CALLS if that is intended`).toContain(name);
      return;
    }
    expect(permission, `${name} has no permission`).toBeTypeOf('object');
    const { object, action, ...rest } = permission as Record<string, unknown>;
    expect(RbacObject.options as readonly unknown[], `${name}: unknown object`).toContain(object);
    expect(RbacAction.options as readonly unknown[], `${name}: unknown action`).toContain(action);
    expect(rest, `${name}: unexpected permission fields`).toEqual({});
  });
});

const dir = makeTempDir();
let store: Store;
const reached: string[] = [];
const forbidden: ForbiddenEvent[] = [];

/** Every service is a stub that records it ran, then answers NOT_FOUND so no output is needed. */
const stubs = Object.fromEntries(
  CALL_NAMES.map((name) => [
    name,
    async () => {
      reached.push(name);
      throw new AppError('NOT_FOUND', 'stub reached');
    },
  ]),
) as unknown as Handlers;

type Case = { role: string; source: PolicySource; allows: (permission: Permission) => boolean; readOnly?: boolean };
const cases: Case[] = [];

beforeAll(async () => {
  store = Store.open(
    join(dir.path, 'clientele.db'),
    { databaseKey: randomBytes(32), fieldKey: randomBytes(32) },
    {
      create: true,
      migrations: MIGRATIONS,
    },
  );
  const signer = await makeSigner();
  store.team.enroll({
    serverUrl: 'https://t.test',
    workspaceId: 'ws-acme',
    userId: 'user-rep',
    publicKeyJwk: signer.publicKeyJwk,
  });
  cases.push({
    role: 'solo owner (not enrolled)',
    source: { current: () => localOwnerPolicy('me') },
    allows: () => true,
  });
  let version = 0;
  for (const [role, grants] of Object.entries(ROLES)) {
    // One store, one policy at a time: each role gets its policy verified into the store, then a
    // frozen copy of what the real source serves for it.
    const combined = combineRoles(grants);
    const jit = GRANTS[role] ?? [];
    const document = policyDocument(NOW, {
      version: ++version,
      ...combined,
      permissions: combined.permissions,
      grants: jit.map((grant, index) => ({
        id: `grant-${index}`,
        object: grant.object,
        action: grant.action,
        scope: 'own',
        expiresAt: new Date(NOW + grant.hours * HOUR).toISOString(),
      })),
    });
    // Read from the grants' own definitions: live ones count, the expired one does not.
    const byGrant = (p: Permission) => jit.some((g) => g.hours > 0 && g.object === p.object && g.action === p.action);
    const source = new ServerPolicySource(
      () => store.team,
      silentLogger(),
      () => NOW,
    );
    expect(await source.accept(await signer.sign(document), null)).toMatchObject({ ok: true });
    const policy = source.current();
    cases.push({
      role,
      source: { current: () => policy, now: () => NOW },
      allows: (p) => granted(grants, p) || byGrant(p),
    });
    // The same role offline past its grace: read-only.
    const late = NOW + 200 * HOUR;
    const locked = new ServerPolicySource(
      () => store.team,
      silentLogger(),
      () => late,
    ).current();
    cases.push({
      role: `${role}, offline past the grace`,
      source: { current: () => locked, now: () => late },
      allows: (p) => p.action === 'view' && granted(grants, p),
      readOnly: true,
    });
  }
});
afterAll(() => {
  store?.close();
  dir.remove();
});

describe('authorization matrix: every call x every role through the dispatcher', () => {
  it('covers every call of the contract for every role', async () => {
    expect(cases.length).toBe(1 + 2 * Object.keys(ROLES).length);
    let checked = 0;
    for (const { role, source, allows, readOnly } of cases) {
      const dispatcher = new Dispatcher(stubs, source, silentLogger(), {
        onForbidden: (event) => forbidden.push(event),
      });
      for (const name of CALL_NAMES) {
        reached.length = 0;
        forbidden.length = 0;
        const permission = contract[name].permission;
        const allowed = permission === 'public' || allows(permission);
        const result = await dispatcher.dispatch({ transport: 'ipc' }, name, {});
        const where = `${role} / ${name}`;
        if (allowed) {
          // Reaching the service proves authorization passed; so does VALIDATION of the empty input,
          // since the dispatcher authorizes before it validates.
          if (result.ok || result.error.code !== 'VALIDATION') {
            expect(result, where).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'stub reached' } });
            expect(reached, where).toEqual([name]);
          }
          expect(forbidden, where).toEqual([]);
        } else {
          expect(result, where).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
          expect(reached, where).toEqual([]);
          expect(forbidden, where).toEqual([{ call: name, transport: 'ipc', message: expect.any(String) }]);
          if (readOnly && permission.action !== 'view') {
            expect(forbidden[0]?.message, where).toMatch(/policy expired offline since/);
          }
        }
        checked++;
      }
    }
    expect(checked).toBe(cases.length * CALL_NAMES.length);
  });

  it('checks authorization before validation, so a refused caller learns nothing from the input', async () => {
    const nothing = cases.find((c) => c.role === 'no role')!;
    const dispatcher = new Dispatcher(stubs, nothing.source, silentLogger());
    expect(await dispatcher.dispatch({ transport: 'cli' }, 'deals.create', { bogus: 1 })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });
});
