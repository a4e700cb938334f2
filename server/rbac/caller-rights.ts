import type { Kysely } from 'kysely';
import { combineRoles, scopeFor, type RoleGrants } from '../../common/rbac/evaluate.js';
import type { Grant, Permission, Policy, Scope } from '../../common/rbac/permissions.js';
import type { ServerDatabase } from '../db/schema.js';
import { liveGrantsOf } from '../grants/grant-expiry.js';
import { rolesOfUser } from './roles.js';

/**
 * What a signed-in user may do on the server, judged by common/rbac's evaluator as on the desktop.
 * Two views: `roles` is what their roles give, the only thing they may hand on to others (a role,
 * an approved grant), so a temporary grant never turns into a permanent right; `policy` adds their
 * live just-in-time grants, and decides what they may do now.
 */
export type CallerRights = {
  userId: string;
  roles: Required<RoleGrants>;
  grants: Grant[];
  policy: Policy;
  now: number;
};

export async function rightsOf(db: Kysely<ServerDatabase>, userId: string, now: number): Promise<CallerRights> {
  const roles = combineRoles(await rolesOfUser(db, userId));
  const grants = await liveGrantsOf(db, userId, now);
  return {
    userId,
    roles,
    grants,
    policy: { source: 'server', userId, permissions: roles.permissions, grants },
    now,
  };
}

/** The scope the caller may act with now (roles and live grants). */
export function effectiveScope(rights: CallerRights, permission: Permission): Scope {
  return scopeFor(rights.policy, permission, rights.now);
}

/** The scope the caller's roles alone give: the most they may hand on. */
export function heldScope(rights: CallerRights, permission: Permission): Scope {
  return rights.roles.permissions[permission.object]?.[permission.action] ?? 'none';
}
