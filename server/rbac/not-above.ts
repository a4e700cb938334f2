import type { Kysely } from 'kysely';
import { AppError } from '../../common/errors.js';
import { combineRoles, type RoleGrants } from '../../common/rbac/evaluate.js';
import type { ServerDatabase } from '../db/schema.js';
import { policyGrant } from '../grants/grant-rows.js';
import { excessOf, scopeExcess } from './escalation.js';
import { rolesOfUser } from './roles.js';

/**
 * What the target holds beyond the caller's own roles (`held`), for the refusal; null when nothing.
 * Taking over an account (setting its password, removing its second factor) hands its rights to
 * whoever did it, so the rule of escalation.ts applies to the person acted on: their roles, and their
 * live just-in-time grants too (a grant the caller could not approve must not be reachable by
 * signing in as its holder). Reads only through `db`, so it runs inside the caller's transaction.
 */
export async function targetExcess(
  db: Kysely<ServerDatabase>,
  targetId: string,
  held: Required<RoleGrants>,
  now: number,
): Promise<string | null> {
  const roles = combineRoles(await rolesOfUser(db, targetId));
  const fromRoles = excessOf(roles, held);
  if (fromRoles !== null) return fromRoles;
  // Approved and not yet past their end: the sweep may not have marked an ended one yet.
  const grants = await db
    .selectFrom('access_grants')
    .selectAll()
    .where('user_id', '=', targetId)
    .where('status', '=', 'approved')
    .where('expires_at', '>', now)
    .orderBy('id')
    .execute();
  for (const grant of grants.map(policyGrant)) {
    const excess = scopeExcess(grant, grant.scope, held);
    if (excess !== null) return `${excess}, from a temporary grant`;
  }
  return null;
}

/** Refuses (403) acting on someone who holds more than the caller's own roles give. */
export async function assertNotAbove(
  db: Kysely<ServerDatabase>,
  what: string,
  targetId: string,
  held: Required<RoleGrants>,
  now: number,
): Promise<void> {
  const excess = await targetExcess(db, targetId, held, now);
  if (excess !== null) {
    throw new AppError('FORBIDDEN', `You cannot ${what} of someone who holds more than you do: ${excess}.`);
  }
}
