import type { UserIdentityView } from '../../common/api/server-admin-accounts.js';
import { AppError } from '../../common/errors.js';
import { recordAudit } from '../audit/audit-log.js';
import type { ResetCaller } from '../auth/account-reset.js';
import { revokeSessionsOfUser } from '../auth/sessions.js';
import type { ServerContext } from '../context.js';
import type { Kysely } from 'kysely';
import type { ServerDatabase } from '../db/schema.js';
import { assertNotAbove } from '../rbac/not-above.js';
import { underRoleLock } from '../rbac/role-change.js';

/**
 * The identity-provider accounts linked to a user (server/sso/resolve-user.ts links one at the first
 * single sign-on by its verified email, and refuses a second identity of the same IdP for the account:
 * "linked to another identity ... Ask your admin"). Unlinking is that admin's answer: someone's IdP
 * account was recreated, or the wrong one was linked. The next single sign-on links again by email.
 */
export async function identitiesOf(db: Kysely<ServerDatabase>, userId: string): Promise<UserIdentityView[]> {
  const rows = await db
    .selectFrom('user_identities')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    issuer: row.issuer,
    subject: row.subject,
    email: row.email,
    linkedAt: new Date(row.created_at).toISOString(),
    lastSignInAt: new Date(row.last_login_at).toISOString(),
  }));
}

/**
 * Unlinks one identity of `userId`. Who signs in through it next may be someone else (that is often
 * the point), so it is judged like an account reset (server/auth/account-reset.ts): never on oneself,
 * never on someone holding more than the caller's roles give, under the role-change lock. The user's
 * single sign-on sessions end with it (a session does not record which identity opened it); their
 * password sessions stay. Audited as `user.sso_unlinked`.
 */
export async function unlinkIdentity(
  context: ServerContext,
  caller: ResetCaller,
  userId: string,
  identityId: string,
  now: number,
): Promise<{ revokedSessions: number }> {
  if (userId === caller.id) {
    throw new AppError('CONFLICT', 'You cannot unlink your own single sign-on identity: ask another administrator.');
  }
  return underRoleLock(
    context,
    caller.id,
    async (trx, held) => {
      const identity = await trx
        .selectFrom('user_identities')
        .selectAll()
        .where('id', '=', identityId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!identity) throw new AppError('NOT_FOUND', 'This user has no such linked identity.');
      await assertNotAbove(trx, 'unlink the sign-in identity', userId, held, now);
      await trx.deleteFrom('user_identities').where('id', '=', identityId).execute();
      const revokedSessions = await revokeSessionsOfUser(trx, userId, now, { method: 'sso' });
      await recordAudit(trx, {
        action: 'user.sso_unlinked',
        actorUserId: caller.id,
        at: now,
        target: `user:${userId}`,
        details: { issuer: identity.issuer, subject: identity.subject, email: identity.email, revokedSessions },
      });
      return { revokedSessions };
    },
    { userId, action: 'edit', now },
  );
}
