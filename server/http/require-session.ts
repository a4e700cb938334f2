import type { FastifyRequest } from 'fastify';
import { AppError } from '../../common/errors.js';
import { hasSecondFactor } from '../auth/second-factor.js';
import type { PolicyRead } from '../auth/caller-sql.js';
import type { LoadedCaller } from '../auth/callers.js';
import type { ServerContext } from '../context.js';
import { after, type MaybePromise } from '../maybe-promise.js';
import { readSessionToken } from './session-token.js';

export const SECOND_FACTOR_SETUP_REQUIRED =
  'This workspace requires two-factor sign-in: set it up first (POST /api/auth/totp/setup, then /api/auth/totp/confirm).';

/**
 * The caller's live session with their rights (one read: server/auth/callers.ts), or
 * UNAUTHENTICATED (401). While the workspace requires 2FA, a password session of a user without it
 * gets FORBIDDEN (403) everywhere except the routes that set it up (`allowWithoutSecondFactor`).
 * `policy` also reads (part of) the user's policy version row (the policy route).
 */
export function requireSession(
  context: ServerContext,
  request: FastifyRequest,
  options: { allowWithoutSecondFactor?: boolean; policy?: PolicyRead } = {},
): MaybePromise<LoadedCaller> {
  const token = readSessionToken(request);
  if (!token) throw unauthenticated();
  return after(context.callers.load(token, context.clock.now(), options.policy), (active) => {
    if (!active) throw unauthenticated();
    // A single sign-on session is exempt: the workspace trusts the IdP's factors (README, Single sign-on).
    if (options.allowWithoutSecondFactor || active.session.auth_method === 'sso' || active.hasSecondFactor) {
      return active;
    }
    return after(context.settings.peek() ?? context.settings.get(), (settings) => {
      if (settings.require2fa) throw new AppError('FORBIDDEN', SECOND_FACTOR_SETUP_REQUIRED);
      return active;
    });
  });
}

const unauthenticated = (): AppError =>
  new AppError('UNAUTHENTICATED', 'Sign in first: the session is missing, expired or revoked.');

/** True when the workspace requires 2FA and the user has not turned it on. */
export async function secondFactorSetupRequired(context: ServerContext, userId: string): Promise<boolean> {
  const settings = await context.settings.get();
  return settings.require2fa && !(await hasSecondFactor(context.db, userId));
}
