import * as client from 'openid-client';
import type { ServerContext } from '../context.js';
import { placeOf, SSO_ID_TOKEN } from '../secrets/sealed-columns.js';
import { isActive, readSsoConfig } from './sso-config.js';

/**
 * Signing out of a web session opened by single sign-on ends the person's session at the identity
 * provider too (OpenID Connect RP-Initiated Logout 1.0). Without that, "Sign in with SSO" on the same
 * browser let the next person straight back in as them, asking nothing: the IdP still knew them.
 */

/**
 * Keeps the ID token a web session was opened with, sealed and bound to that session; drops the
 * tokens of sessions that have ended since (revoked or expired: nothing will sign them out).
 */
export async function rememberSsoSession(
  context: ServerContext,
  input: { sessionId: string; issuer: string; idToken: string; sid: string | null },
  now: number,
): Promise<void> {
  await context.db
    .deleteFrom('sso_sessions')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('sessions')
          .select('sessions.id')
          .whereRef('sessions.id', '=', 'sso_sessions.session_id')
          .where((eb) => eb.or([eb('sessions.revoked_at', 'is not', null), eb('sessions.expires_at', '<=', now)])),
      ),
    )
    .execute();
  await context.db
    .insertInto('sso_sessions')
    .values({
      session_id: input.sessionId,
      issuer: input.issuer,
      id_token_sealed: context.secrets.seal(input.idToken, placeOf(SSO_ID_TOKEN, input.sessionId)),
      sid: input.sid,
      created_at: now,
    })
    .execute();
}

/**
 * The IdP's end-session URL for a session that was just revoked, with its ID token as id_token_hint
 * and where to come back to; its stored token is spent either way. Null when there is nowhere to go:
 * not an SSO web session, SSO turned off or pointed at another IdP since, or an IdP that publishes
 * no end_session_endpoint (Google, for one). The sign-out here has happened already; this only adds
 * the IdP's.
 */
export async function idpSignOutUrl(
  context: ServerContext,
  sessionId: string,
  postLogoutRedirectUri: string,
): Promise<string | null> {
  const row = await context.db
    .selectFrom('sso_sessions')
    .selectAll()
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
  if (!row) return null;
  await context.db.deleteFrom('sso_sessions').where('session_id', '=', sessionId).execute();
  const config = await readSsoConfig(context);
  if (!isActive(config) || config.issuer !== row.issuer) return null;
  const idToken = context.secrets.open(row.id_token_sealed, placeOf(SSO_ID_TOKEN, sessionId));
  // TEMPORARY when the IdP does not answer discovery: the caller decides what the user is told.
  const configuration = await context.oidc.configuration(config);
  if (!configuration.serverMetadata().end_session_endpoint) return null;
  return client.buildEndSessionUrl(configuration, {
    post_logout_redirect_uri: postLogoutRedirectUri,
    // A token that no longer opens (the server key was changed without rotation) is left out: the
    // IdP then asks the person to confirm, with client_id saying who asks.
    ...(idToken.ok ? { id_token_hint: idToken.value } : {}),
  }).href;
}
