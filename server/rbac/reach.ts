import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../common/errors.js';
import type { RbacAction, Scope } from '../../common/rbac/permissions.js';
import type { DatabaseKind } from '../db/database.js';
import { takeLock } from '../db/locked-transaction.js';
import type { ServerDatabase } from '../db/schema.js';
import { effectiveScope, rightsOf } from './caller-rights.js';
import { TEAM_LOCK, teamsManagedBy } from './teams.js';

/** The users a caller's scope over `users` reaches: everyone, or these ids. */
export type Reach = { all: true } | { all: false; ids: ReadonlySet<string> };

/**
 * On the server, a scope over users means: 'all' anyone, 'team' the caller and the members of the
 * teams they manage (sub-teams included, server/rbac/teams.ts), 'own' the caller alone, 'none' nobody.
 */
export async function usersInReach(db: Kysely<ServerDatabase>, callerId: string, scope: Scope): Promise<Reach> {
  switch (scope) {
    case 'all':
      return { all: true };
    case 'none':
      return { all: false, ids: new Set() };
    case 'own':
      return { all: false, ids: new Set([callerId]) };
    case 'team': {
      const teams = await teamsManagedBy(db, callerId);
      const members =
        teams.length === 0
          ? []
          : await db.selectFrom('team_members').select('user_id').where('team_id', 'in', teams).execute();
      return { all: false, ids: new Set([callerId, ...members.map((row) => row.user_id)]) };
    }
  }
}

export function inReach(reach: Reach, userId: string): boolean {
  return reach.all || reach.ids.has(userId);
}

export async function reaches(
  db: Kysely<ServerDatabase>,
  callerId: string,
  scope: Scope,
  targetId: string,
): Promise<boolean> {
  if (scope === 'all') return true;
  if (scope === 'none') return false;
  if (targetId === callerId) return true;
  return inReach(await usersInReach(db, callerId, scope), targetId);
}

/** The refusal when the user acted on is beyond the caller's scope over users. */
export function outOfReach(scope: string): string {
  return scope === 'own' ? 'You may do this only for your own account.' : 'This user is not in a team you manage.';
}

/** The user a change acts on, what it does to them, and when (the caller's rights are read at `now`). */
export type ReachCheck = { userId: string; action: RbacAction; now: number };

/**
 * The caller's reach over a user judged again inside a change's transaction, under the team lock
 * (after the role-change lock: the order every such transaction takes them in), with their rights
 * read now: the access hook judged it when the request arrived, and a member moved out of the
 * caller's team, or a role or grant taken from the caller, since then is seen here, not raced.
 */
export async function assertStillReaches(
  trx: Transaction<ServerDatabase>,
  kind: DatabaseKind,
  callerId: string,
  over: ReachCheck,
): Promise<void> {
  await takeLock(trx, kind, TEAM_LOCK);
  const scope = effectiveScope(await rightsOf(trx, callerId, over.now), { object: 'users', action: over.action });
  if (!(await reaches(trx, callerId, scope, over.userId))) throw new AppError('FORBIDDEN', outOfReach(scope));
}
