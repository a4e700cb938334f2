import {
  EMAIL_VISIBILITY_RANK,
  RbacAction,
  RbacObject,
  SCOPE_RANK,
  type EmailVisibility,
  type FieldRules,
  type Permission,
  type PermissionTable,
  type Policy,
  type RbacObject as RbacObjectName,
  type Scope,
} from './permissions.js';

/**
 * The scope a policy grants for one object/action pair; 'none' when nothing grants it.
 * Just-in-time grants widen it while `now` (ms since the epoch) is before their expiry; a read-only
 * policy (offline grace over) grants nothing but 'view'.
 */
export function scopeFor(policy: Policy, permission: Permission, now: number = Date.now()): Scope {
  if (policy.readOnlyReason !== undefined && permission.action !== 'view') return 'none';
  let scope = policy.permissions[permission.object]?.[permission.action] ?? 'none';
  for (const grant of policy.grants ?? []) {
    if (grant.object !== permission.object || grant.action !== permission.action) continue;
    if (Date.parse(grant.expiresAt) <= now) continue;
    scope = widest(scope, grant.scope);
  }
  return scope;
}

/** Every object/action the policy grants at `now`, with live grants folded in and the read-only lock applied. */
export function effectivePermissions(policy: Policy, now: number = Date.now()): PermissionTable {
  const table: PermissionTable = {};
  for (const object of RbacObject.options) {
    const actions: Partial<Record<RbacAction, Scope>> = {};
    for (const action of RbacAction.options) {
      const scope = scopeFor(policy, { object, action }, now);
      if (scope !== 'none') actions[action] = scope;
    }
    if (Object.keys(actions).length > 0) table[object] = actions;
  }
  return table;
}

export function isAllowed(policy: Policy, permission: Permission, now?: number): boolean {
  return SCOPE_RANK[scopeFor(policy, permission, now)] > SCOPE_RANK.none;
}

/** The message of a refusal: the read-only reason when there is one, so the user learns why. */
export function denialMessage(policy: Policy, permission: Permission): string {
  if (policy.readOnlyReason !== undefined && permission.action !== 'view') return policy.readOnlyReason;
  return `Your role does not allow this (${permission.action} ${permission.object}).`;
}

export function isFieldHidden(policy: Policy, object: RbacObjectName, field: string): boolean {
  return policy.fieldRules?.[object]?.[field] === 'hidden';
}

export function emailVisibilityOf(policy: Policy): EmailVisibility {
  return policy.emailVisibility ?? 'full';
}

/** What one role grants; a user's effective rights are the combination of all their roles. */
export type RoleGrants = {
  permissions: PermissionTable;
  fieldRules?: FieldRules;
  emailVisibility?: EmailVisibility;
};

/**
 * Several roles combine into one set of rights: per object and action the widest scope wins, the
 * widest email visibility wins, but a field hidden by any role stays hidden (a field deny always wins).
 * No roles at all grant nothing, and show email metadata only.
 */
export function combineRoles(roles: readonly RoleGrants[]): Required<RoleGrants> {
  const permissions: PermissionTable = {};
  for (const object of RbacObject.options) {
    const actions: Partial<Record<RbacAction, Scope>> = {};
    for (const action of RbacAction.options) {
      let scope: Scope = 'none';
      for (const role of roles) scope = widest(scope, role.permissions[object]?.[action] ?? 'none');
      if (scope !== 'none') actions[action] = scope;
    }
    if (Object.keys(actions).length > 0) permissions[object] = actions;
  }

  const fieldRules: FieldRules = {};
  for (const role of roles) {
    for (const [object, fields] of Object.entries(role.fieldRules ?? {}) as [
      RbacObjectName,
      Record<string, string>,
    ][]) {
      const combined = (fieldRules[object] ??= {});
      for (const [field, rule] of Object.entries(fields)) {
        combined[field] = rule === 'hidden' || combined[field] === 'hidden' ? 'hidden' : 'visible';
      }
    }
  }

  let emailVisibility: EmailVisibility = 'metadata';
  for (const role of roles) {
    const own = role.emailVisibility ?? 'metadata';
    if (EMAIL_VISIBILITY_RANK[own] > EMAIL_VISIBILITY_RANK[emailVisibility]) emailVisibility = own;
  }
  return { permissions, fieldRules, emailVisibility };
}

function widest(a: Scope, b: Scope): Scope {
  return SCOPE_RANK[b] > SCOPE_RANK[a] ? b : a;
}
