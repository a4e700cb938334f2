import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PasswordChangeChallengeOutput } from '../../../common/api/server-account-recovery.js';
import type { AccountSessionView } from '../../../common/api/server-admin-accounts.js';
import {
  BootstrapInput,
  LoginInput,
  type LoginOutput,
  type LogoutOutput,
  type SessionView,
} from '../../../common/api/server-auth.js';
import { AppError } from '../../../common/errors.js';
import type { SecondFactorChallengeOutput } from '../../../common/api/server-second-factor.js';
import { ok } from '../../../common/result.js';
import { recordAudit } from '../../audit/audit-log.js';
import { redeemBootstrapToken } from '../../auth/bootstrap.js';
import { login, type LoginSuccess } from '../../auth/login.js';
import { PASSWORD_CHANGE_REQUIRED, type PasswordChangeStep } from '../../auth/required-password.js';
import { hasSecondFactor } from '../../auth/second-factor.js';
import type { SessionsTable, UsersTable } from '../../db/schema.js';
import type { ServerContext } from '../../context.js';
import { parseBody } from '../parse-body.js';
import { adminAccessOf } from '../../rbac/admin-access.js';
import { callerOf, callerRights } from '../authorize.js';
import { SECOND_FACTOR_SETUP_REQUIRED, secondFactorSetupRequired } from '../require-session.js';
import { clearSessionCookie, readSessionToken, setSessionCookie } from '../session-token.js';
import { ssoSignedOutUrl } from '../sso-urls.js';
import { idpSignOutUrl } from '../../sso/sso-sign-out.js';

export function sessionView(session: SessionsTable, user: Pick<UsersTable, 'id' | 'email' | 'is_admin'>): SessionView {
  return {
    user: { id: user.id, email: user.email, isAdmin: user.is_admin === 1 },
    session: {
      id: session.id,
      createdAt: new Date(session.created_at).toISOString(),
      expiresAt: new Date(session.expires_at).toISOString(),
    },
  };
}

/**
 * The end of a sign-in, whichever way it went (password, second factor, new password): the session
 * (cookie and token, with the 2FA set-up the workspace may still ask for), or the step that trades a
 * temporary password for the user's own.
 */
export async function replySignIn(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  outcome: ({ kind: 'session' } & LoginSuccess) | PasswordChangeStep,
  now: number,
): Promise<FastifyReply> {
  if (outcome.kind === 'password_change') {
    const output: PasswordChangeChallengeOutput = {
      passwordChange: 'required',
      challenge: outcome.challenge,
      expiresAt: new Date(outcome.expiresAt).toISOString(),
      message: PASSWORD_CHANGE_REQUIRED,
    };
    return reply.send(ok(output));
  }
  const { token, session, user } = outcome;
  setSessionCookie(reply, request, { token, expiresAt: session.expires_at, now });
  const output: LoginOutput = { ...sessionView(session, user), token };
  // The workspace requires 2FA and this user has none: the session reaches only the set-up routes.
  if (await secondFactorSetupRequired(context, user.id)) {
    return reply.send(ok({ ...output, secondFactor: 'setup_required', message: SECOND_FACTOR_SETUP_REQUIRED }));
  }
  return reply.send(ok(output));
}

export function registerAuthRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/auth/bootstrap', async (request, reply) => {
    const input = parseBody(BootstrapInput, request.body);
    const now = context.clock.now();
    const user = await redeemBootstrapToken(context.db, context.kind, input, now);
    const { token, session } = await context.sessions.create(user.id, now);
    setSessionCookie(reply, request, { token, expiresAt: session.expires_at, now });
    const output: LoginOutput = { ...sessionView(session, user), token };
    return reply.status(201).send(ok(output));
  });

  app.post('/api/auth/login', async (request, reply) => {
    const input = parseBody(LoginInput, request.body);
    const now = context.clock.now();
    const outcome = await login(
      context,
      { email: input.email, password: input.password, currentToken: readSessionToken(request), ip: request.ip },
      now,
    );
    if (outcome.kind === 'second_factor') {
      const output: SecondFactorChallengeOutput = {
        secondFactor: 'required',
        challenge: outcome.challenge,
        expiresAt: new Date(outcome.expiresAt).toISOString(),
      };
      return reply.send(ok(output));
    }
    return replySignIn(context, request, reply, outcome, now);
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const token = readSessionToken(request);
    const now = context.clock.now();
    // Who is leaving, for the audit log; a dead token has no one to record.
    const active = token ? await context.sessions.authenticate(token, now) : undefined;
    // Logging out twice, or with a dead token, is not an error: the caller ends up signed out.
    const revoked = token ? await context.sessions.revokeByToken(token, now) : false;
    // A session opened by single sign-on is also ended at the IdP, if it says how.
    const endSessionUrl = revoked && active ? await signOutAtIdp(context, request, active.session.id) : null;
    if (revoked && active) {
      await recordAudit(context.db, {
        action: 'auth.logout',
        actorUserId: active.user.id,
        at: now,
        target: `session:${active.session.id}`,
        details: { method: active.session.auth_method, ...(endSessionUrl ? { idpSignOut: true } : {}) },
      });
    }
    clearSessionCookie(reply, request);
    const output: LogoutOutput = { revoked, endSessionUrl };
    return reply.send(ok(output));
  });

  app.get('/api/auth/session', async (request, reply) => {
    // Reachable without 2FA so a client can show who is signed in while set-up is pending.
    const { session, user } = callerOf(request);
    const output: AccountSessionView = {
      ...sessionView(session, user),
      secondFactor: {
        enabled: await hasSecondFactor(context.db, user.id),
        setupRequired: await secondFactorSetupRequired(context, user.id),
      },
      access: adminAccessOf(await callerRights(context, request)),
    };
    return reply.send(ok(output));
  });
}

/**
 * The IdP's sign-out page for a session just ended, or null. An IdP that does not answer now costs
 * the user only that step: they are signed out here either way, and the log says why the IdP's was
 * skipped.
 */
async function signOutAtIdp(
  context: ServerContext,
  request: FastifyRequest,
  sessionId: string,
): Promise<string | null> {
  try {
    return await idpSignOutUrl(context, sessionId, ssoSignedOutUrl(request));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    request.log.info(
      { code: error.code, details: error.details },
      `sign-out at the identity provider skipped: ${error.message}`,
    );
    return null;
  }
}
