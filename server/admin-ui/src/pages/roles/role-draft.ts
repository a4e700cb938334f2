import type { RoleInput, RoleView } from '../../../../../common/api/server-admin.js';
import type {
  FieldRules,
  PermissionTable,
  RbacAction,
  RbacObject,
  Scope,
} from '../../../../../common/rbac/permissions.js';

export type RoleDraft = RoleInput & { fieldRules: FieldRules };

export function draftOf(role: RoleView | undefined): RoleDraft {
  if (!role) return { name: '', permissions: {}, fieldRules: {}, emailVisibility: 'metadata' };
  return {
    name: role.name,
    permissions: role.permissions,
    fieldRules: role.fieldRules,
    emailVisibility: role.emailVisibility,
  };
}

export function scopeIn(permissions: PermissionTable, object: RbacObject, action: RbacAction): Scope {
  return permissions[object]?.[action] ?? 'none';
}

/** A copy with one cell changed; a "none" is dropped (missing means none: deny by default). */
export function withScope(
  permissions: PermissionTable,
  object: RbacObject,
  action: RbacAction,
  scope: Scope,
): PermissionTable {
  const row = { ...permissions[object] };
  if (scope === 'none') delete row[action];
  else row[action] = scope;
  const next = { ...permissions };
  if (Object.keys(row).length === 0) delete next[object];
  else next[object] = row;
  return next;
}

export function hiddenFields(rules: FieldRules): { object: RbacObject; field: string }[] {
  return Object.entries(rules).flatMap(([object, fields]) =>
    Object.entries(fields ?? {})
      .filter(([, rule]) => rule === 'hidden')
      .map(([field]) => ({ object: object as RbacObject, field })),
  );
}

export function withFieldHidden(rules: FieldRules, object: RbacObject, field: string, hidden: boolean): FieldRules {
  const fields = { ...rules[object] };
  if (hidden) fields[field] = 'hidden';
  else delete fields[field];
  const next = { ...rules };
  if (Object.keys(fields).length === 0) delete next[object];
  else next[object] = fields;
  return next;
}

/** Compared as JSON with sorted keys: the same rights typed in another order are not a change. */
export function sameDraft(a: RoleDraft, b: RoleDraft): boolean {
  return stable(a) === stable(b);
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)))
      : inner,
  );
}
