import type { Kysely, Transaction } from 'kysely';
import type { ServerContext } from '../context.js';
import { lockedTransaction } from '../db/locked-transaction.js';
import type { ServerDatabase } from '../db/schema.js';

/**
 * Serializes changes to the team tree and its memberships across instances, and the judgements that
 * read them under the role-change lock (server/rbac/reach.ts): two moves checked at once could each
 * find no cycle and together make one, and a manager's reach over someone must not be judged while
 * that person is being moved out of the team.
 */
export const TEAM_LOCK = { namespace: 7_270_007, name: 'teams' };

/** A change to teams or memberships, with its audit entry, in one transaction under TEAM_LOCK. */
export function teamChange<T>(
  context: ServerContext,
  work: (trx: Transaction<ServerDatabase>) => Promise<T>,
): Promise<T> {
  return lockedTransaction(context.db, context.kind, TEAM_LOCK, work);
}

/**
 * The teams a user manages, each with all its sub-teams (a manager's team includes its sub-teams):
 * what a 'team' scope reaches for a manager. Teams are few, so the tree is walked in memory.
 */
export async function teamsManagedBy(db: Kysely<ServerDatabase>, userId: string): Promise<string[]> {
  const teams = await db.selectFrom('teams').select(['id', 'parent_id']).execute();
  const managed = await db
    .selectFrom('team_members')
    .select('team_id')
    .where('user_id', '=', userId)
    .where('is_manager', '=', 1)
    .execute();
  const children = new Map<string, string[]>();
  for (const team of teams) {
    if (team.parent_id) children.set(team.parent_id, [...(children.get(team.parent_id) ?? []), team.id]);
  }
  const reached = new Set<string>();
  const queue = managed.map((row) => row.team_id);
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (reached.has(id)) continue; // a cycle an admin made by hand must not loop forever
    reached.add(id);
    queue.push(...(children.get(id) ?? []));
  }
  return [...reached].sort();
}

/**
 * Whether `teamId` is `ancestorId` or below it, walking up the parents (a cycle an admin made by hand
 * in the database ends the walk instead of looping).
 */
export function isWithin(
  teams: readonly { id: string; parent_id: string | null }[],
  teamId: string,
  ancestorId: string,
): boolean {
  const parentOf = new Map(teams.map((team) => [team.id, team.parent_id]));
  const seen = new Set<string>();
  for (let id: string | null | undefined = teamId; id && !seen.has(id); id = parentOf.get(id)) {
    if (id === ancestorId) return true;
    seen.add(id);
  }
  return false;
}
