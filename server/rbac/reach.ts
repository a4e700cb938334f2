import type { Kysely } from 'kysely';
import type { Scope } from '../../common/rbac/permissions.js';
import type { ServerDatabase } from '../db/schema.js';
import { teamsManagedBy } from './teams.js';

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
