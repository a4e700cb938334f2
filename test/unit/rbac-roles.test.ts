import { describe, expect, it } from 'vitest';
import {
  combineRoles,
  denialMessage,
  emailVisibilityOf,
  isAllowed,
  isFieldHidden,
  scopeFor,
  type RoleGrants,
} from '../../common/rbac/evaluate.js';
import type { Grant, Permission, Policy, Scope } from '../../common/rbac/permissions.js';

// The evaluator the desktop and the server share: several roles combine (widest grant wins, a field
// deny always wins), just-in-time grants count only while not expired, and a read-only lock lets
// nothing but 'view' through.

const NOW = Date.parse('2026-06-01T12:00:00Z');
const HOUR = 3_600_000;

const viewer: RoleGrants = {
  permissions: { contact: { view: 'own' }, deal: { view: 'team' } },
  emailVisibility: 'subject',
};
const seller: RoleGrants = {
  permissions: { contact: { view: 'team', edit: 'own' }, deal: { view: 'own', edit: 'own', export: 'none' } },
  fieldRules: { deal: { amount: 'visible' } },
  emailVisibility: 'metadata',
};
const noAmounts: RoleGrants = { permissions: { report: { view: 'all' } }, fieldRules: { deal: { amount: 'hidden' } } };
const exporter: RoleGrants = { permissions: { deal: { export: 'all' } }, emailVisibility: 'full' };

describe('combining roles', () => {
  it.each<[string, RoleGrants[], Permission, Scope]>([
    ['no role grants nothing', [], { object: 'contact', action: 'view' }, 'none'],
    ['one role', [viewer], { object: 'contact', action: 'view' }, 'own'],
    ['the widest of two wins (own + team)', [viewer, seller], { object: 'contact', action: 'view' }, 'team'],
    ['the widest wins whatever the order', [seller, viewer], { object: 'deal', action: 'view' }, 'team'],
    ['an explicit none never narrows another role', [seller, exporter], { object: 'deal', action: 'export' }, 'all'],
    ['a pair no role names stays none', [viewer, seller, exporter], { object: 'users', action: 'edit' }, 'none'],
    ['a grant of one role only', [viewer, seller], { object: 'contact', action: 'edit' }, 'own'],
  ])('%s', (_name, roles, permission, expected) => {
    const combined = combineRoles(roles);
    expect(scopeFor({ source: 'server', userId: 'u', ...combined }, permission, NOW)).toBe(expected);
  });

  it.each<[string, RoleGrants[], boolean]>([
    ['a field is visible when no role hides it', [viewer, seller], false],
    ['a field hidden by one role is hidden (deny wins over visible)', [seller, noAmounts], true],
    ['deny wins whatever the order', [noAmounts, seller, exporter], true],
    ['a role that hides it alone', [noAmounts], true],
  ])('%s', (_name, roles, hidden) => {
    const combined = combineRoles(roles);
    expect(isFieldHidden({ source: 'server', userId: 'u', ...combined }, 'deal', 'amount')).toBe(hidden);
  });

  it.each<[string, RoleGrants[], 'metadata' | 'subject' | 'full']>([
    ['no role: metadata only', [], 'metadata'],
    ['metadata + subject: subject', [seller, viewer], 'subject'],
    ['any full: full', [seller, exporter, viewer], 'full'],
    ['a role that says nothing counts as metadata', [noAmounts], 'metadata'],
  ])('email visibility: %s', (_name, roles, expected) => {
    expect(combineRoles(roles).emailVisibility).toBe(expected);
  });

  it('leaves out objects no role grants anything on', () => {
    expect(combineRoles([viewer]).permissions).toEqual({ contact: { view: 'own' }, deal: { view: 'team' } });
  });
});

describe('just-in-time grants', () => {
  const grant = (scope: Scope, expiresInHours: number): Grant => ({
    id: `g-${scope}-${expiresInHours}`,
    object: 'deal',
    action: 'export',
    scope,
    expiresAt: new Date(NOW + expiresInHours * HOUR).toISOString(),
  });
  const base: Policy = { source: 'server', userId: 'u', permissions: { deal: { view: 'own', export: 'own' } } };

  it.each<[string, Grant[], Scope]>([
    ['no grant: the role scope', [], 'own'],
    ['an active grant widens', [grant('all', 1)], 'all'],
    ['an expired grant counts for nothing', [grant('all', -1)], 'own'],
    ['a grant expiring exactly now has expired', [grant('all', 0)], 'own'],
    ['a narrower grant never narrows', [grant('none', 2)], 'own'],
    ['the widest active grant wins', [grant('team', 2), grant('all', -2)], 'team'],
  ])('%s', (_name, grants, expected) => {
    expect(scopeFor({ ...base, grants }, { object: 'deal', action: 'export' }, NOW)).toBe(expected);
  });

  it('only widens the pair it names', () => {
    const policy = { ...base, grants: [grant('all', 1)] };
    expect(scopeFor(policy, { object: 'deal', action: 'view' }, NOW)).toBe('own');
    expect(isAllowed(policy, { object: 'contact', action: 'export' }, NOW)).toBe(false);
  });
});

describe('read-only lock', () => {
  const locked: Policy = {
    source: 'server',
    userId: 'u',
    permissions: { contact: { view: 'all', edit: 'all', export: 'all' }, deal: {} },
    grants: [{ id: 'g', object: 'deal', action: 'edit', scope: 'all', expiresAt: new Date(NOW + HOUR).toISOString() }],
    readOnlyReason: 'Read-only: the team policy expired offline since yesterday.',
  };

  it.each<[Permission, boolean]>([
    [{ object: 'contact', action: 'view' }, true],
    [{ object: 'contact', action: 'edit' }, false],
    [{ object: 'contact', action: 'export' }, false],
    [{ object: 'deal', action: 'edit' }, false],
    [{ object: 'deal', action: 'view' }, false],
  ])('%o allowed: %s', (permission, allowed) => {
    expect(isAllowed(locked, permission, NOW)).toBe(allowed);
  });

  it('gives the lock reason for refused changes, the role reason otherwise', () => {
    expect(denialMessage(locked, { object: 'contact', action: 'edit' })).toBe(locked.readOnlyReason);
    expect(denialMessage(locked, { object: 'deal', action: 'view' })).toMatch(/role does not allow this \(view deal\)/);
  });

  it('defaults: full email visibility and no hidden field', () => {
    expect(emailVisibilityOf(locked)).toBe('full');
    expect(isFieldHidden(locked, 'deal', 'amount')).toBe(false);
  });
});
