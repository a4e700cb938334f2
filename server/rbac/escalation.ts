import type { RoleGrants } from '../../common/rbac/evaluate.js';
import {
  EMAIL_VISIBILITY_RANK,
  RbacAction,
  RbacObject,
  SCOPE_RANK,
  type Permission,
  type Scope,
} from '../../common/rbac/permissions.js';

/**
 * What `given` (a role, or one permission of a grant) gives beyond what `held` (the giver's own
 * roles combined) holds, described for the refusal; null when it gives nothing more. Nobody may hand
 * on more than they hold: a wider scope, a wider email visibility, or a field shown that is hidden
 * from them (a role without the giver's field deny would show that field to its holders).
 */
export function excessOf(given: RoleGrants, held: Required<RoleGrants>): string | null {
  for (const object of RbacObject.options) {
    for (const action of RbacAction.options) {
      const excess = scopeExcess({ object, action }, given.permissions[object]?.[action] ?? 'none', held);
      if (excess) return excess;
    }
  }
  const email = given.emailVisibility ?? 'metadata';
  if (EMAIL_VISIBILITY_RANK[email] > EMAIL_VISIBILITY_RANK[held.emailVisibility]) {
    return `email visibility '${email}' (yours is '${held.emailVisibility}')`;
  }
  for (const [object, fields] of Object.entries(held.fieldRules) as [RbacObject, Record<string, string>][]) {
    for (const [field, rule] of Object.entries(fields)) {
      if (rule === 'hidden' && given.fieldRules?.[object]?.[field] !== 'hidden') {
        return `the field ${object}.${field}, which is hidden from you`;
      }
    }
  }
  return null;
}

/** The refusal's words when one permission at `scope` exceeds what `held` gives; null when it doesn't. */
export function scopeExcess(permission: Permission, scope: Scope, held: Required<RoleGrants>): string | null {
  const mine = held.permissions[permission.object]?.[permission.action] ?? 'none';
  if (SCOPE_RANK[scope] <= SCOPE_RANK[mine]) return null;
  return `${permission.action} ${permission.object} at scope '${scope}' (yours is '${mine}')`;
}
