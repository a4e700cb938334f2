import * as client from 'openid-client';
import { recordAudit } from '../audit/audit-log.js';
import { openSession, type LoginSuccess } from '../auth/login.js';
import { hashToken } from '../auth/tokens.js';
import type { ServerContext } from '../context.js';
import type { SsoPendingTable } from '../db/schema.js';
import { issueExchangeCode } from './exchange-codes.js';
import { consumePending } from './pending-sign-ins.js';
import { resolveSsoUser } from './resolve-user.js';
import { rememberSsoSession } from './sso-sign-out.js';
import { isActive, readSsoConfig } from './sso-config.js';

export type CallbackRequest = {
  /** The callback's query as the IdP sent it (code, state, iss, or error). */
  query: URLSearchParams;
  /** The browser-binding cookie of a pending sign-in, by its id. */
  bindingCookie: (pendingId: string) => string | undefined;
  ip: string;
  /** The session the browser already had, revoked by the new one (rotation). */
  currentToken: string | undefined;
};

export type CallbackOutcome =
  | { kind: 'session'; login: LoginSuccess; pendingId: string }
  | { kind: 'desktop'; redirect: string; pendingId: string }
  | {
      kind: 'refused';
      status: 400 | 403;
      message: string;
      /** For a desktop sign-in: its loopback, told of the refusal so it stops waiting. */
      desktopRedirect: string | null;
      pendingId: string | null;
    };

const START_AGAIN = 'Start the sign-in again.';

/**
 * The IdP's redirect back. In order: the pending sign-in its state names (spent at once: single use),
 * the browser that started it (cookie), the IdP's own error, the code exchange (PKCE verifier, state,
 * nonce, ID token signature and times, by openid-client), then the account (resolve-user.ts). A web
 * sign-in gets its session here; a desktop's loopback gets a one-time code bound to its PKCE challenge.
 * Every refusal is audited as `auth.login_failed` with method 'sso' and a reason.
 */
export async function completeSsoCallback(
  context: ServerContext,
  request: CallbackRequest,
  now: number,
): Promise<CallbackOutcome> {
  const { query } = request;
  const failed = async (
    reason: string,
    message: string,
    options: { pending?: SsoPendingTable; status?: 400 | 403; userId?: string | null; details?: object } = {},
  ): Promise<CallbackOutcome> => {
    await recordAudit(context.db, {
      action: 'auth.login_failed',
      actorUserId: options.userId ?? null,
      at: now,
      details: { method: 'sso', reason, ip: request.ip, ...options.details },
    });
    const pending = options.pending;
    return {
      kind: 'refused',
      status: options.status ?? 403,
      message,
      desktopRedirect: pending
        ? desktopRedirect(pending, { error: 'access_denied', error_description: message })
        : null,
      pendingId: pending?.id ?? null,
    };
  };

  const state = query.get('state');
  const consumed = state ? await consumePending(context.db, state, now) : undefined;
  if (!consumed || consumed.kind === 'refused') {
    const reason = consumed?.reason ?? 'state_unknown';
    const why =
      reason === 'state_replayed' ? 'was already used' : reason === 'state_expired' ? 'has expired' : 'is unknown here';
    return failed(reason, `This sign-in ${why}. ${START_AGAIN}`, { status: 400 });
  }
  const { pending } = consumed;
  // Tied to the browser that started it: a callback URL sent to someone else (login CSRF) is refused.
  const binding = request.bindingCookie(pending.id);
  if (!binding || hashToken(binding) !== pending.browser_binding_hash) {
    return failed('browser_mismatch', `This sign-in was started in another browser. ${START_AGAIN}`, { status: 400 });
  }
  const idpError = query.get('error');
  if (idpError) {
    return failed('idp_error', `Your identity provider did not sign you in (${idpError.slice(0, 100)}).`, {
      pending,
      details: { error: idpError.slice(0, 100) },
    });
  }
  const config = await readSsoConfig(context);
  if (!isActive(config)) return failed('sso_disabled', 'Single sign-on was turned off.', { pending });

  let claims: client.IDToken;
  let idToken: string;
  let userInfo: client.UserInfoResponse | undefined;
  try {
    const configuration = await context.oidc.configuration(config);
    const currentUrl = new URL(pending.redirect_uri);
    currentUrl.search = query.toString();
    const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: pending.code_verifier,
      expectedState: state!,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims()!;
    idToken = tokens.id_token!;
    // Spec-strict IdPs put the email claims only at the userinfo endpoint for the code flow;
    // openid-client checks that its `sub` is the ID token's.
    if (claims.email === undefined)
      userInfo = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
    context.oidc.remember(config, configuration);
  } catch (error) {
    return failed('token_rejected', `Your identity provider's answer was refused. ${START_AGAIN}`, {
      pending,
      details: tokenErrorDetails(error),
    });
  }

  const source = userInfo ?? claims;
  const identity = {
    issuer: claims.iss,
    subject: claims.sub,
    email: typeof source.email === 'string' ? source.email : undefined,
    emailVerified: source.email_verified === true,
  };
  const resolved = await resolveSsoUser(context.db, config, identity, now);
  const seen = { issuer: identity.issuer, subject: identity.subject, email: identity.email?.slice(0, 320) };
  if (resolved.kind === 'refused') {
    return failed(resolved.reason, resolved.message, { pending, userId: resolved.userId, details: seen });
  }
  // What the IdP said of how the person signed in, for the audit log: an admin can see whether MFA was used.
  const sso = {
    issuer: identity.issuer,
    subject: identity.subject,
    ...(Array.isArray(claims.amr) ? { amr: claims.amr.slice(0, 10) } : {}),
    ...(resolved.provisioned ? { provisioned: true } : {}),
  };
  if (pending.client_redirect_uri && pending.client_code_challenge) {
    const code = await issueExchangeCode(
      context.db,
      {
        userId: resolved.user.id,
        codeChallenge: pending.client_code_challenge,
        redirectUri: pending.client_redirect_uri,
        details: sso,
      },
      now,
    );
    return { kind: 'desktop', redirect: desktopRedirect(pending, { code })!, pendingId: pending.id };
  }
  const login = await openSession(
    context,
    resolved.user,
    { currentToken: request.currentToken, ip: request.ip, sso },
    now,
  );
  // Kept for the sign-out at the IdP (sso-sign-out.ts).
  const sid = typeof claims.sid === 'string' ? claims.sid : null;
  await rememberSsoSession(context, { sessionId: login.session.id, issuer: config.issuer, idToken, sid }, now);
  return { kind: 'session', login, pendingId: pending.id };
}

/** The desktop's loopback URL with the answer and the desktop's own state. */
function desktopRedirect(pending: SsoPendingTable, params: Record<string, string>): string | null {
  if (!pending.client_redirect_uri) return null;
  const url = new URL(pending.client_redirect_uri);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  if (pending.client_state) url.searchParams.set('state', pending.client_state);
  return url.href;
}

/** What went wrong with the code exchange, for the audit log: the kind of failure, never token material. */
function tokenErrorDetails(error: unknown): Record<string, unknown> {
  if (error instanceof client.ResponseBodyError) return { error: error.error, status: error.status };
  if (error instanceof client.AuthorizationResponseError) return { error: error.error };
  if (error instanceof client.ClientError) {
    const claim = (error.cause as { cause?: { claim?: unknown } } | undefined)?.cause?.claim;
    return { error: error.code ?? 'client_error', ...(typeof claim === 'string' ? { claim } : {}) };
  }
  return { error: error instanceof Error ? error.name : 'unknown' };
}
