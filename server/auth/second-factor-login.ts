import { AppError } from '../../common/errors.js';
import { recordAudit } from '../audit/audit-log.js';
import { normalizeEmail } from './email.js';
import { openSession, type LoginDeps, type LoginSuccess } from './login.js';
import { mustChangePassword, passwordChangeStep, type PasswordChangeStep } from './required-password.js';
import { findChallengeUser, spendChallenge } from './second-factor-challenges.js';
import { acceptRecoveryCode, acceptTotpCode, remainingRecoveryCodes, type TotpDeps } from './second-factor.js';

export const WRONG_CODE = 'The code is incorrect or was already used.';
const DEAD_CHALLENGE = 'The sign-in has expired or was already completed. Sign in again.';

export type CodeInput = { code?: string | undefined; recoveryCode?: string | undefined };

/**
 * Checks a TOTP or recovery code for an account under the login throttle (same limits and counts
 * as passwords). Throws RATE_LIMIT or AUTH; on success takes back the account's failures.
 */
export async function checkSecondFactor(
  deps: Pick<LoginDeps, 'db' | 'throttle'> & TotpDeps,
  user: { id: string; email: string },
  input: CodeInput & { ip?: string },
  now: number,
): Promise<'totp' | 'recovery_code'> {
  const accountKey = normalizeEmail(user.email);
  const state = await deps.throttle.begin(accountKey, now);
  if (!state.allowed) {
    await recordAudit(deps.db, {
      action: 'auth.second_factor_failed',
      actorUserId: user.id,
      at: now,
      details: { reason: 'throttled', ip: input.ip },
    });
    const seconds = Math.ceil(state.retryAfterMs / 1000);
    throw new AppError('RATE_LIMIT', `Too many failed sign-ins for this account. Try again in ${seconds} s.`, {
      retryAfterMs: state.retryAfterMs,
    });
  }
  const method = input.code !== undefined ? 'totp' : 'recovery_code';
  const accepted =
    input.code !== undefined
      ? await acceptTotpCode(deps, user.id, input.code, now)
      : input.recoveryCode !== undefined && (await acceptRecoveryCode(deps.db, user.id, input.recoveryCode, now));
  if (!accepted) {
    await recordAudit(deps.db, {
      action: 'auth.second_factor_failed',
      actorUserId: user.id,
      at: now,
      details: { reason: method === 'totp' ? 'wrong_code' : 'wrong_recovery_code', ip: input.ip },
    });
    throw new AppError('AUTH', WRONG_CODE);
  }
  await deps.throttle.reset(accountKey);
  if (method === 'recovery_code') {
    await recordAudit(deps.db, {
      action: 'auth.recovery_code_used',
      actorUserId: user.id,
      at: now,
      target: `user:${user.id}`,
      details: { remaining: await remainingRecoveryCodes(deps.db, user.id), ip: input.ip },
    });
  }
  return method;
}

/**
 * The second step of a sign-in with 2FA: a live challenge and a good code give the session, or the
 * step that trades a temporary password for the user's own (server/auth/required-password.ts).
 */
export async function completeSecondFactor(
  deps: LoginDeps & TotpDeps,
  input: CodeInput & { challenge: string; currentToken: string | undefined; ip?: string },
  now: number,
): Promise<({ kind: 'session' } & LoginSuccess) | PasswordChangeStep> {
  const user = await findChallengeUser(deps.db, input.challenge, now);
  if (!user) throw new AppError('AUTH', DEAD_CHALLENGE);
  const method = await checkSecondFactor(deps, user, input, now);
  // Two requests with two good codes for one challenge: the first to spend it signs in.
  if (!(await spendChallenge(deps.db, input.challenge, now))) throw new AppError('AUTH', DEAD_CHALLENGE);
  if (mustChangePassword(user)) return passwordChangeStep(deps.db, user, now);
  const opened = await openSession(
    deps,
    user,
    { currentToken: input.currentToken, ip: input.ip, secondFactor: method },
    now,
  );
  return { kind: 'session', ...opened };
}
