import type { Kysely } from 'kysely';
import { AppError } from '../../common/errors.js';
import { recordAudit } from '../audit/audit-log.js';
import type { ServerDatabase, SessionsTable, UsersTable } from '../db/schema.js';
import { normalizeEmail } from './email.js';
import { hasPassword } from './no-password.js';
import type { LoginThrottle } from './login-throttle.js';
import { verifyPassword } from './passwords.js';
import { mustChangePassword, passwordChangeStep, type PasswordChangeStep } from './required-password.js';
import { issueChallenge } from './second-factor-challenges.js';
import { hasSecondFactor } from './second-factor.js';
import type { SessionStore } from './sessions.js';
import { findUserByEmail } from './users.js';

/** The one answer to every failed login: it never says whether the account exists or is disabled. */
export const GENERIC_LOGIN_FAILURE = 'The email or password is incorrect.';

export type LoginDeps = {
  db: Kysely<ServerDatabase>;
  throttle: LoginThrottle;
  sessions: SessionStore;
  /** A hash of a random password, verified for unknown emails so they take as long as known ones. */
  dummyHash: string;
};

export type LoginSuccess = { token: string; session: SessionsTable; user: UsersTable };

/**
 * A session; or for a user with 2FA a challenge to redeem with a code at /api/auth/second-factor; or
 * for a temporary password (set by an administrator) a challenge to redeem with a new one.
 */
export type LoginOutcome =
  | ({ kind: 'session' } & LoginSuccess)
  | { kind: 'second_factor'; challenge: string; expiresAt: number; user: UsersTable }
  | PasswordChangeStep;

/**
 * Password login. Throttled per account before any hashing; every failure is counted and
 * answered alike. A success always issues a new session token (rotation); the session the
 * request came with, if any, is revoked so a planted token can't ride on the new login.
 * For a user with 2FA a right password gives only a challenge, and the failure begin() counted
 * stays until the second factor succeeds: a stolen password can't wipe the count of wrong codes.
 * A temporary password (an administrator's reset) gives a challenge for choosing a new one
 * (server/auth/required-password.ts), after the second factor when there is one.
 */
export async function login(
  deps: LoginDeps,
  input: { email: string; password: string; currentToken: string | undefined; ip?: string },
  now: number,
): Promise<LoginOutcome> {
  const accountKey = normalizeEmail(input.email);
  // The attempted email is kept (trimmed, capped) so an admin sees what was tried; never the password.
  const failed = (reason: string, actorUserId: string | null): Promise<unknown> =>
    recordAudit(deps.db, {
      action: 'auth.login_failed',
      actorUserId,
      at: now,
      details: { email: input.email.trim().slice(0, 320), reason, ip: input.ip },
    });
  const state = await deps.throttle.begin(accountKey, now);
  if (!state.allowed) {
    await failed('throttled', null);
    const seconds = Math.ceil(state.retryAfterMs / 1000);
    throw new AppError('RATE_LIMIT', `Too many failed sign-ins for this account. Try again in ${seconds} s.`, {
      retryAfterMs: state.retryAfterMs,
    });
  }

  const user = await findUserByEmail(deps.db, input.email);
  // An account made by single sign-on has no password: checked against the dummy hash so it answers
  // as slowly as any other, and never accepted.
  const usable = user !== undefined && hasPassword(user.password_hash);
  const passwordMatches =
    (await verifyPassword(usable ? user.password_hash : deps.dummyHash, input.password)) && usable;
  // The failure was recorded by begin(); only a success takes it back.
  if (!user || !passwordMatches || user.disabled_at !== null) {
    await failed(
      !user ? 'unknown_account' : !usable ? 'no_password' : !passwordMatches ? 'wrong_password' : 'account_disabled',
      user?.id ?? null,
    );
    throw new AppError('AUTH', GENERIC_LOGIN_FAILURE);
  }

  if (await hasSecondFactor(deps.db, user.id)) {
    const { challenge, expiresAt } = await issueChallenge(deps.db, user.id, now);
    return { kind: 'second_factor', challenge, expiresAt, user };
  }
  await deps.throttle.reset(accountKey);
  if (mustChangePassword(user)) return passwordChangeStep(deps.db, user, now);
  return { kind: 'session', ...(await openSession(deps, user, input, now)) };
}

/**
 * The end of every successful sign-in (password, password and second factor, single sign-on): a new
 * session, audited as `auth.login` with its method. `sso` carries what the IdP said (issuer, amr).
 */
export async function openSession(
  deps: LoginDeps,
  user: UsersTable,
  input: {
    currentToken: string | undefined;
    ip?: string;
    secondFactor?: 'totp' | 'recovery_code';
    sso?: Record<string, unknown>;
  },
  now: number,
): Promise<LoginSuccess> {
  if (input.currentToken) await deps.sessions.revokeByToken(input.currentToken, now);
  const method = input.sso ? 'sso' : 'password';
  const { token, session } = await deps.sessions.create(user.id, now, method);
  await recordAudit(deps.db, {
    action: 'auth.login',
    actorUserId: user.id,
    at: now,
    target: `session:${session.id}`,
    details: {
      ip: input.ip,
      method,
      ...(input.secondFactor ? { secondFactor: input.secondFactor } : {}),
      ...input.sso,
    },
  });
  return { token, session, user };
}
