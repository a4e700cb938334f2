import { sql } from 'kysely';
import type { GrantView } from '../../common/api/server-grants.js';
import type { ServerContext } from '../context.js';
import { effectiveScope } from '../rbac/caller-rights.js';
import { usersInReach } from '../rbac/reach.js';
import type { Approver } from './grant-decisions.js';
import { expireDueGrants } from './grant-expiry.js';
import { grantsWithEmail } from './grant-queries.js';
import { grantView } from './grant-rows.js';

/** How many past grants an approver's page lists: the recent ones; the audit log keeps them all. */
export const GRANT_HISTORY_LIMIT = 50;

/**
 * Requests that ended (denied, cancelled, revoked, expired) of the users within the approver's reach,
 * the most recently ended first: what became of the requests an approver saw. Grants in force are
 * `activeFor`'s; due ones are expired first so a grant past its end shows here, not there.
 */
export async function historyFor(context: ServerContext, approver: Approver, now: number): Promise<GrantView[]> {
  await expireDueGrants(context.db, now);
  const scope = effectiveScope(approver.rights, { object: 'users', action: 'edit' });
  const reach = await usersInReach(context.db, approver.id, scope);
  if (!reach.all && reach.ids.size === 0) return [];
  let query = grantsWithEmail(context.db)
    .where('access_grants.status', 'in', ['denied', 'cancelled', 'revoked', 'expired'])
    // Denied requests end when decided; the others carry their end.
    .orderBy(sql`coalesce(access_grants.ended_at, access_grants.decided_at)`, 'desc')
    .orderBy('access_grants.id')
    .limit(GRANT_HISTORY_LIMIT);
  if (!reach.all) query = query.where('access_grants.user_id', 'in', [...reach.ids]);
  return (await query.execute()).map((row) => grantView(row, row.user_email));
}
