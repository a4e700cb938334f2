import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit-log.js';
import type { ServerDatabase } from '../db/schema.js';
import { dropChallengesOf } from './second-factor-challenges.js';
import { revokeSessionsOfUser } from './sessions.js';

/**
 * A user's own change of their password, inside the caller's transaction, only while it is still
 * `fromHash`: of two changes racing, the second finds it gone and changes nothing (null). With it go
 * the requirement to change it (a temporary password is replaced), every session but `keepSessionId`,
 * and the sign-ins waiting for a second factor or a new password (each proves the old password); it is
 * recorded as `auth.password_changed` with `details` (never a password).
 */
export async function replacePassword(
  trx: Kysely<ServerDatabase>,
  change: {
    userId: string;
    fromHash: string;
    toHash: string;
    keepSessionId?: string;
    details: { ip?: string | undefined; reason?: 'temporary_password' };
  },
  now: number,
): Promise<{ revokedSessions: number } | null> {
  const updated = await trx
    .updateTable('users')
    .set({ password_hash: change.toHash, password_change_required_at: null })
    .where('id', '=', change.userId)
    .where('password_hash', '=', change.fromHash)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) return null;
  const revokedSessions = await revokeSessionsOfUser(trx, change.userId, now, { keep: change.keepSessionId });
  await dropChallengesOf(trx, change.userId);
  await recordAudit(trx, {
    action: 'auth.password_changed',
    actorUserId: change.userId,
    at: now,
    target: `user:${change.userId}`,
    details: {
      ...(change.details.reason ? { reason: change.details.reason } : {}),
      revokedSessions,
      ip: change.details.ip,
    },
  });
  return { revokedSessions };
}
