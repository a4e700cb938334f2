import { AppError } from '../../common/errors.js';
import type { ServerDatabase, UsersTable } from '../db/schema.js';
import type { Kysely } from 'kysely';
import { openSession, type LoginDeps, type LoginSuccess } from './login.js';
import { assertAcceptablePassword } from './password-policy.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { replacePassword } from './replace-password.js';
import { findChallengeUser, issueChallenge, spendChallenge } from './second-factor-challenges.js';

/**
 * A password an administrator set (server/auth/account-reset.ts) is a temporary one: it opens no
 * session. A sign-in with it (after the second factor, when the account has one) gets a challenge
 * instead, redeemed only with a new password of the user's own choosing (ASVS 5 V6.4). The temporary
 * password is then gone, and the session opens as after any sign-in.
 */

export const PASSWORD_CHANGE_REQUIRED =
  'Your administrator set a temporary password for this account: choose your own to finish signing in.';
const DEAD_CHALLENGE = 'The sign-in has expired or was already completed. Sign in again with the temporary password.';

/** The step between a right temporary password and a session. */
export type PasswordChangeStep = { kind: 'password_change'; challenge: string; expiresAt: number; user: UsersTable };

/** Whether a sign-in that proved every factor must still choose a new password. */
export function mustChangePassword(user: Pick<UsersTable, 'password_change_required_at'>): boolean {
  return user.password_change_required_at !== null;
}

export async function passwordChangeStep(
  db: Kysely<ServerDatabase>,
  user: UsersTable,
  now: number,
): Promise<PasswordChangeStep> {
  const { challenge, expiresAt } = await issueChallenge(db, user.id, now, 'password_change');
  return { kind: 'password_change', challenge, expiresAt, user };
}

/**
 * Redeems a password-change challenge with the new password: checked by the usual rules, and not the
 * temporary one again. The temporary password is replaced only while it is still the one the
 * challenge was issued for (a second reset meanwhile ends the challenge), then a session opens.
 */
export async function completeRequiredPassword(
  deps: LoginDeps,
  input: { challenge: string; newPassword: string; currentToken: string | undefined; ip?: string },
  now: number,
): Promise<LoginSuccess> {
  const user = await findChallengeUser(deps.db, input.challenge, now, 'password_change');
  if (!user || !mustChangePassword(user)) throw new AppError('AUTH', DEAD_CHALLENGE);
  assertAcceptablePassword(input.newPassword, user.email);
  // The administrator knows the temporary password: keeping it would keep their way in.
  if (await verifyPassword(user.password_hash, input.newPassword)) {
    throw new AppError('VALIDATION', 'This is the temporary password: choose one of your own.', {
      details: { rule: 'unchanged' },
    });
  }
  const newHash = await hashPassword(input.newPassword);

  await deps.db.transaction().execute(async (trx) => {
    if (!(await spendChallenge(trx, input.challenge, now, 'password_change')))
      throw new AppError('AUTH', DEAD_CHALLENGE);
    const replaced = await replacePassword(
      trx,
      {
        userId: user.id,
        fromHash: user.password_hash,
        toHash: newHash,
        details: { reason: 'temporary_password', ip: input.ip },
      },
      now,
    );
    if (!replaced) throw new AppError('AUTH', DEAD_CHALLENGE);
  });
  return openSession(deps, user, { currentToken: input.currentToken, ip: input.ip }, now);
}
