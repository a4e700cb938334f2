import type { Kysely } from 'kysely';
import type { Grant } from '../../common/rbac/permissions.js';
import { recordAudit } from '../audit/audit-log.js';
import type { AccessGrantsTable, ServerDatabase } from '../db/schema.js';
import { grantFacts, policyGrant } from './grant-rows.js';

/**
 * An approved grant past its end becomes 'expired', and `grant.expired` is recorded exactly once:
 * the update is conditional on the row still being approved and due, and the event is appended in
 * the same transaction only by whoever's update took. Two instances sweeping together: on
 * PostgreSQL the second waits for the first's row lock, then finds the row no longer approved.
 */
async function expireOne(db: Kysely<ServerDatabase>, row: AccessGrantsTable, now: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('access_grants')
      .set({ status: 'expired', ended_at: now })
      .where('id', '=', row.id)
      .where('status', '=', 'approved')
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) return false;
    await recordAudit(trx, {
      action: 'grant.expired',
      actorUserId: null,
      at: now,
      target: `user:${row.user_id}`,
      details: { ...grantFacts(row), expiresAt: new Date(Number(row.expires_at)).toISOString() },
    });
    return true;
  });
}

/** Marks every due grant (of one user, or all) expired; returns how many this call expired. */
export async function expireDueGrants(db: Kysely<ServerDatabase>, now: number, userId?: string): Promise<number> {
  let query = db
    .selectFrom('access_grants')
    .selectAll()
    .where('status', '=', 'approved')
    .where('expires_at', '<=', now);
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  let expired = 0;
  for (const row of await query.execute()) if (await expireOne(db, row, now)) expired += 1;
  return expired;
}

/**
 * The user's grants in force at `now`, in a stable order (the policy's rights hash covers them).
 * Whatever is due is expired on the way: correctness never waits for the periodic sweep, and the
 * common case (nothing due) is one read.
 */
export async function liveGrantsOf(db: Kysely<ServerDatabase>, userId: string, now: number): Promise<Grant[]> {
  const rows = await db
    .selectFrom('access_grants')
    .selectAll()
    .where('user_id', '=', userId)
    .where('status', '=', 'approved')
    .orderBy('id')
    .execute();
  const due = rows.filter((row) => Number(row.expires_at) <= now);
  for (const row of due) await expireOne(db, row, now);
  return rows.filter((row) => Number(row.expires_at) > now).map(policyGrant);
}
