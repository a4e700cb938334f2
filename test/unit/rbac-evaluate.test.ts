import { describe, expect, it } from 'vitest';
import { isAllowed, scopeFor } from '../../common/rbac/evaluate.js';
import { localOwnerPolicy, RbacAction, RbacObject, type Policy } from '../../common/rbac/permissions.js';

describe('RBAC evaluator', () => {
  it('grants a local owner everything', () => {
    const policy = localOwnerPolicy('me');
    for (const object of RbacObject.options) {
      for (const action of RbacAction.options) expect(isAllowed(policy, { object, action })).toBe(true);
    }
  });

  it('denies by default and honours explicit none', () => {
    const policy: Policy = { source: 'server', userId: 'u', permissions: { contact: { view: 'own', export: 'none' } } };
    expect(scopeFor(policy, { object: 'contact', action: 'view' })).toBe('own');
    expect(isAllowed(policy, { object: 'contact', action: 'export' })).toBe(false);
    expect(isAllowed(policy, { object: 'deal', action: 'view' })).toBe(false);
  });
});
