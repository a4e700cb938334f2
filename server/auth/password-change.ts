import { AppError } from '../../common/errors.js';
import { recordAudit } from '../audit/audit-log.js';
import type { ServerContext } from '../context.js';
import { normalizeEmail } from './email.js';
import { hasPassword } from './no-password.js';
import { assertAcceptablePassword } from './password-policy.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { replacePassword } from './replace-password.js';

export const WRONG_CURRENT_PASSWORD = 'The current password is incorrect.';
export const NO_PASSWORD_TO_CHANGE =
  'This account signs in through single sign-on and has no password here: change it at your identity provider.';

export type PasswordChange = {
  user: { id: string; email: string };
  /** The session asking: it stays signed in, every other one ends. */
  sessionId: string;
  currentPassword: string;
  newPassword: string;
  ip?: string;
};

/**
 * A signed-in user changes their own password (ASVS 5 V6.2.3: the current one is asked). The check of
 * the current password is a login as far as the throttle goes (same account key, same limits), so a
 * stolen session can't be used to guess the password at leisure; a wrong one is audited like a failed
 * login. The new password meets the rules of every other password before anything is counted.
 */
export async function changeOwnPassword(
  context: ServerContext,
  change: PasswordChange,
  now: number,
): Promise<{ revokedSessions: number }> {
  const { user } = change;
  const stored = await context.db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', user.id)
    .executeTakeFirstOrThrow();
  // Nothing to guess at: the answer tells the owner of the session nothing they don't know.
  if (!hasPassword(stored.password_hash)) throw new AppError('CONFLICT', NO_PASSWORD_TO_CHANGE);
  assertAcceptablePassword(change.newPassword, user.email);
  if (change.newPassword.normalize('NFC') === change.currentPassword.normalize('NFC')) {
    throw new AppError('VALIDATION', 'The new password is the current one: choose another.', {
      details: { rule: 'unchanged' },
    });
  }

  const failed = (reason: string): Promise<unknown> =>
    recordAudit(context.db, {
      action: 'auth.password_change_failed',
      actorUserId: user.id,
      at: now,
      target: `user:${user.id}`,
      details: { reason, ip: change.ip },
    });
  const state = await context.throttle.begin(normalizeEmail(user.email), now);
  if (!state.allowed) {
    await failed('throttled');
    const seconds = Math.ceil(state.retryAfterMs / 1000);
    throw new AppError('RATE_LIMIT', `Too many wrong passwords for this account. Try again in ${seconds} s.`, {
      retryAfterMs: state.retryAfterMs,
    });
  }
  if (!(await verifyPassword(stored.password_hash, change.currentPassword))) {
    await failed('wrong_password');
    throw new AppError('AUTH', WRONG_CURRENT_PASSWORD);
  }
  // Only this try is taken back: other failures (wrong 2FA codes at sign-in) stay counted.
  await context.throttle.takeBack(state.attemptId);

  const newHash = await hashPassword(change.newPassword);
  return context.db.transaction().execute(async (trx) => {
    // From the hash just verified: of two changes racing, the second finds it gone and changes nothing.
    const replaced = await replacePassword(
      trx,
      {
        userId: user.id,
        fromHash: stored.password_hash,
        toHash: newHash,
        keepSessionId: change.sessionId,
        details: { ip: change.ip },
      },
      now,
    );
    if (!replaced) {
      throw new AppError('CONFLICT', 'The password was changed meanwhile: sign in with the new one and retry.');
    }
    return replaced;
  });
}
