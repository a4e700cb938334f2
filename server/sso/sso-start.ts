import * as client from 'openid-client';
import type { SsoDesktopStart } from '../../common/api/server-sso.js';
import { AppError } from '../../common/errors.js';
import type { ServerContext } from '../context.js';
import { createPending, type CreatedPending } from './pending-sign-ins.js';
import { isActive, readSsoConfig } from './sso-config.js';

/** The scopes asked of the IdP: who signed in (sub) and their email with its verified flag. */
export const SSO_SCOPES = 'openid email profile';

export type StartedSignIn = CreatedPending & { authorizationUrl: string };

/**
 * Starts a sign-in at the IdP: authorization code flow with PKCE S256, a random state and a nonce,
 * kept in the database (any instance may receive the callback). A desktop's own loopback redirect,
 * PKCE challenge and state ride along, to be honoured once the IdP has answered.
 */
export async function startSsoSignIn(
  context: ServerContext,
  input: { callbackUrl: string; desktop: SsoDesktopStart | undefined },
  now: number,
): Promise<StartedSignIn> {
  const config = await readSsoConfig(context);
  if (!isActive(config)) throw new AppError('NOT_FOUND', 'Single sign-on is not enabled on this server.');
  const configuration = await context.oidc.configuration(config);
  const codeVerifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const pending = await createPending(
    context.db,
    { nonce, codeVerifier, redirectUri: input.callbackUrl, desktop: input.desktop },
    now,
  );
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: input.callbackUrl,
    response_type: 'code',
    scope: SSO_SCOPES,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce,
  });
  return { ...pending, authorizationUrl: url.href };
}
