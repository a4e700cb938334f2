import type { PolicyView } from '../rbac/policy.js';
import { SCOPE_RANK } from '../rbac/permissions.js';
import { contract, type CallName } from './contract.js';

/**
 * Whether the policy in force would let this user make `name`, read from the permission the
 * contract declares for it: the UI asks this to hide what is forbidden, the core's dispatcher checks
 * the same declaration, so the two cannot disagree. A hint for the UI only; the core still refuses.
 * No policy known yet (still loading, or unreadable) answers false for every non-public call.
 */
export function canCall(policy: PolicyView | null, name: CallName): boolean {
  const permission = contract[name].permission;
  if (permission === 'public') return true;
  if (!policy) return false;
  const scope = policy.permissions[permission.object]?.[permission.action] ?? 'none';
  return SCOPE_RANK[scope] > 0;
}
