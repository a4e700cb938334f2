import { AppError } from '../../common/errors.js';
import type { RoleGrants } from '../../common/rbac/evaluate.js';
import { recordAudit } from '../audit/audit-log.js';
import type { ServerContext } from '../context.js';
import type { Kysely } from 'kysely';
import type { ServerDatabase, UsersTable } from '../db/schema.js';
import { assertNotAbove } from '../rbac/not-above.js';
import { underRoleLock } from '../rbac/role-change.js';
import { hasPassword } from './no-password.js';
import { assertAcceptablePassword } from './password-policy.js';
import { hashPassword } from './passwords.js';
import { dropChallengesOf } from './second-factor-challenges.js';
import { hasSecondFactor, removeSecondFactor } from './second-factor.js';
import { revokeSessionsOfUser } from './sessions.js';

/**
 * An administrator's way out for someone locked out of their account: a new password, or their
 * second factor removed. A new password hands the account to whoever set it; removing the second
 * factor leaves only the password in the way. So both refuse a target who holds more than the
 * caller's own roles give (server/rbac/not-above.ts),
 * judged under the role-change lock: a role given to the target meanwhile is seen, not raced. The
 * caller's reach over the target, checked by the access hook (route-access.ts, targetUser), is
 * judged again under the lock (server/rbac/reach.ts).
 * Every session of the target ends, and the change is audited in the same transaction.
 */

/** Who resets: their id, and what their roles give as the access hook read them (the pre-check). */
export type ResetCaller = { id: string; held: Required<RoleGrants> };

/** The target, or NOT_FOUND; one's own account is refused (it has its routes, which ask for proof). */
async function findTarget(
  context: ServerContext,
  caller: ResetCaller,
  targetId: string,
  own: string,
): Promise<UsersTable> {
  if (targetId === caller.id) throw new AppError('CONFLICT', own);
  const target = await context.db.selectFrom('users').selectAll().where('id', '=', targetId).executeTakeFirst();
  if (!target) throw new AppError('NOT_FOUND', 'No user with this id.');
  return target;
}

export async function resetPassword(
  context: ServerContext,
  caller: ResetCaller,
  targetId: string,
  newPassword: string,
  now: number,
): Promise<{ revokedSessions: number }> {
  const target = await findTarget(
    context,
    caller,
    targetId,
    'Change your own password under Settings (POST /api/auth/password): it asks for your current one.',
  );
  // Giving an SSO account a password would open a way in that skips the identity provider.
  if (!hasPassword(target.password_hash)) {
    throw new AppError(
      'CONFLICT',
      'This account signs in through single sign-on and has no password here: its identity provider resets it.',
    );
  }
  // Judged before the costly hash, and again under the lock for the write.
  await assertNotAbove(context.db, 'reset the password', targetId, caller.held, now);
  assertAcceptablePassword(newPassword, target.email);
  const newHash = await hashPassword(newPassword);

  return underRoleLock(
    context,
    caller.id,
    async (trx, heldNow) => {
      await assertNotAbove(trx, 'reset the password', targetId, heldNow, now);
      // A temporary password: its first sign-in must choose another (server/auth/required-password.ts).
      await trx
        .updateTable('users')
        .set({ password_hash: newHash, password_change_required_at: now })
        .where('id', '=', targetId)
        .execute();
      return signOutAndRecord(trx, 'user.password_reset', caller, target, now);
    },
    { userId: targetId, action: 'edit', now },
  );
}

export async function resetSecondFactor(
  context: ServerContext,
  caller: ResetCaller,
  targetId: string,
  now: number,
): Promise<{ revokedSessions: number }> {
  const target = await findTarget(
    context,
    caller,
    targetId,
    'Turn your own two-factor sign-in off from your account: it asks for a code or a recovery code.',
  );
  return underRoleLock(
    context,
    caller.id,
    async (trx, held) => {
      await assertNotAbove(trx, 'reset the two-factor sign-in', targetId, held, now);
      if (!(await hasSecondFactor(trx, targetId))) {
        throw new AppError('CONFLICT', 'Two-factor sign-in is not on for this account: there is nothing to reset.');
      }
      await removeSecondFactor(trx, targetId);
      return signOutAndRecord(trx, 'user.2fa_reset', caller, target, now);
    },
    { userId: targetId, action: 'edit', now },
  );
}

/** The end of either reset, in its transaction: every session of the target ends, pending 2FA sign-ins too, on record. */
async function signOutAndRecord(
  trx: Kysely<ServerDatabase>,
  action: 'user.password_reset' | 'user.2fa_reset',
  caller: ResetCaller,
  target: UsersTable,
  now: number,
): Promise<{ revokedSessions: number }> {
  const revokedSessions = await revokeSessionsOfUser(trx, target.id, now);
  await dropChallengesOf(trx, target.id);
  await recordAudit(trx, {
    action,
    actorUserId: caller.id,
    at: now,
    target: `user:${target.id}`,
    details: { email: target.email, revokedSessions },
  });
  return { revokedSessions };
}
