import { SCOPE_RANK, type Permission, type Policy, type Scope } from './permissions.js';

/** The scope a policy grants for one object/action pair; 'none' when nothing grants it. */
export function scopeFor(policy: Policy, permission: Permission): Scope {
  return policy.permissions[permission.object]?.[permission.action] ?? 'none';
}

export function isAllowed(policy: Policy, permission: Permission): boolean {
  return SCOPE_RANK[scopeFor(policy, permission)] > SCOPE_RANK.none;
}
