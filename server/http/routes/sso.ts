import type { FastifyInstance } from 'fastify';
import type { LoginOutput } from '../../../common/api/server-auth.js';
import { SsoDesktopStart, SsoExchangeInput, type SsoStatus } from '../../../common/api/server-sso.js';
import { AppError } from '../../../common/errors.js';
import { ok } from '../../../common/result.js';
import { recordAudit } from '../../audit/audit-log.js';
import { openSession } from '../../auth/login.js';
import type { ServerContext } from '../../context.js';
import { redeemExchangeCode } from '../../sso/exchange-codes.js';
import { completeSsoCallback } from '../../sso/sso-callback.js';
import { isActive, readSsoConfig } from '../../sso/sso-config.js';
import { startSsoSignIn } from '../../sso/sso-start.js';
import { parseBody } from '../parse-body.js';
import { readSessionToken, setSessionCookie } from '../session-token.js';
import { clearBindingCookie, readBindingCookie, setBindingCookie } from '../sso-binding-cookie.js';
import { sendSsoPage } from '../sso-pages.js';
import { ssoCallbackUrl, WEB_LANDING } from '../sso-urls.js';
import { sessionView } from './auth.js';

const START_PATH = '/api/auth/sso/start';

const EXCHANGE_REFUSED =
  'This sign-in code is not valid: it was used, has expired, or belongs to another sign-in. Sign in again.';

/**
 * Single sign-on with the workspace's OpenID provider: status (public), start (the browser, or a
 * desktop with its loopback redirect and PKCE challenge), the IdP's callback, and the desktop's code
 * exchange. The browser-facing steps answer with redirects and small pages, the exchange with JSON.
 */
export function registerSsoRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/auth/sso/status', async (_request, reply) => {
    const output: SsoStatus = { enabled: isActive(await readSsoConfig(context)) };
    return reply.send(ok(output));
  });

  app.get(START_PATH, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    // A browser sends nothing; a desktop sends all four of its parameters, checked as one.
    const parsed = Object.keys(query).length === 0 ? undefined : SsoDesktopStart.safeParse(query);
    if (parsed && !parsed.success) {
      return sendSsoPage(reply, 400, {
        title: 'Sign-in refused',
        message: `The sign-in request is malformed: ${parsed.error.issues[0]?.message ?? 'unexpected parameters'}.`,
      });
    }
    try {
      const started = await startSsoSignIn(
        context,
        { callbackUrl: ssoCallbackUrl(request), desktop: parsed?.data },
        context.clock.now(),
      );
      setBindingCookie(reply, request, started.id, started.browserBinding, started.expiresAt - context.clock.now());
      return reply.redirect(started.authorizationUrl, 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      request.log.info({ code: error.code, details: error.details }, error.message);
      return sendSsoPage(reply, error.code === 'NOT_FOUND' ? 404 : 503, {
        title: 'Single sign-on is unavailable',
        message: error.message,
      });
    }
  });

  app.get('/api/auth/sso/callback', async (request, reply) => {
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    const outcome = await completeSsoCallback(
      context,
      {
        query,
        bindingCookie: (pendingId) => readBindingCookie(request, pendingId),
        ip: request.ip,
        currentToken: readSessionToken(request),
      },
      context.clock.now(),
    );
    if (outcome.pendingId) clearBindingCookie(reply, request, outcome.pendingId);
    switch (outcome.kind) {
      case 'session': {
        const { token, session } = outcome.login;
        setSessionCookie(reply, request, { token, expiresAt: session.expires_at, now: context.clock.now() });
        return sendSsoPage(reply, 200, {
          title: 'Signed in',
          message: `You are signed in as ${outcome.login.user.email}.`,
          next: { href: WEB_LANDING, label: 'Continue to the admin pages', refresh: true },
        });
      }
      case 'desktop':
        return reply.redirect(outcome.redirect, 303);
      case 'refused':
        if (outcome.desktopRedirect) return reply.redirect(outcome.desktopRedirect, 303);
        return sendSsoPage(reply, outcome.status, {
          title: 'Sign-in refused',
          message: outcome.message,
          next: { href: START_PATH, label: 'Sign in with SSO again' },
        });
    }
  });

  app.post('/api/auth/sso/exchange', async (request, reply) => {
    const input = parseBody(SsoExchangeInput, request.body);
    const now = context.clock.now();
    const failed = async (reason: string, userId: string | null): Promise<never> => {
      await recordAudit(context.db, {
        action: 'auth.login_failed',
        actorUserId: userId,
        at: now,
        details: { method: 'sso', reason, ip: request.ip },
      });
      throw new AppError('AUTH', EXCHANGE_REFUSED);
    };
    const redeemed = await redeemExchangeCode(context.db, input, now);
    if (redeemed.kind === 'refused') return failed(redeemed.reason, null);
    const user = await context.db.selectFrom('users').selectAll().where('id', '=', redeemed.userId).executeTakeFirst();
    if (!user || user.disabled_at !== null) return failed('account_disabled', redeemed.userId);
    const login = await openSession(
      context,
      user,
      { currentToken: readSessionToken(request), ip: request.ip, sso: redeemed.details },
      now,
    );
    const output: LoginOutput = { ...sessionView(login.session, login.user), token: login.token };
    return reply.send(ok(output));
  });
}
