import * as client from 'openid-client';
import { AppError } from '../../../common/errors.js';
import type { OAuthProviderConfig } from './providers.js';

/** What Clientele keeps of a grant (sealed in the store as JSON, see token-record.ts). */
export type OAuthTokens = {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  scope: string;
};

/** Token requests give up after this long (the provider or the network is down: TEMPORARY). */
const TOKEN_REQUEST_TIMEOUT_SECONDS = 30;

/**
 * An openid-client Configuration built from the provider's explicit metadata: no discovery
 * request (Google's and Microsoft's endpoints are fixed, and a workspace or a test may move them).
 */
export function clientConfiguration(config: OAuthProviderConfig): client.Configuration {
  const server: client.ServerMetadata = {
    issuer: config.issuer,
    authorization_endpoint: config.authorizationEndpoint,
    token_endpoint: config.tokenEndpoint,
    ...(config.revocationEndpoint ? { revocation_endpoint: config.revocationEndpoint } : {}),
    code_challenge_methods_supported: ['S256'],
  };
  const configuration = config.clientSecret
    ? new client.Configuration(
        server,
        config.clientId,
        config.clientSecret,
        client.ClientSecretPost(config.clientSecret),
      )
    : new client.Configuration(server, config.clientId, undefined, client.None());
  configuration.timeout = TOKEN_REQUEST_TIMEOUT_SECONDS;
  // Plain http only to a loopback token endpoint (the tests' fakes); the real providers are https.
  if (isLoopbackHttp(config.tokenEndpoint)) client.allowInsecureRequests(configuration);
  return configuration;
}

function isLoopbackHttp(endpoint: string): boolean {
  const url = new URL(endpoint);
  return (
    url.protocol === 'http:' &&
    (url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost')
  );
}

/** A token endpoint response as Clientele keeps it; the refresh token stays the old one unless a new one came. */
export function toTokens(
  response: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
  previous: { refreshToken: string; scope: string } | null,
  now: number,
): OAuthTokens {
  const refreshToken = response.refresh_token ?? previous?.refreshToken;
  if (!refreshToken) {
    throw new AppError(
      'AUTH',
      'The provider did not grant offline access (no refresh token). Connect the account again.',
    );
  }
  const expiresIn = response.expiresIn() ?? 3600;
  return {
    accessToken: response.access_token,
    refreshToken,
    expiresAt: now + expiresIn * 1000,
    scope: response.scope ?? previous?.scope ?? '',
  };
}

/**
 * Maps what openid-client throws to the shared codes: the provider's OAuth error
 * (RFC 6749 5.2) by its `error`, a network failure to TEMPORARY. Never includes a token.
 */
export function mapTokenError(error: unknown, label: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof client.ResponseBodyError) {
    const details = { error: error.error, description: error.error_description, status: error.status };
    switch (error.error) {
      case 'invalid_grant':
        return new AppError(
          'AUTH',
          `${label} no longer accepts Clientele's access (it was revoked or expired). Reconnect the account.`,
          { details },
        );
      case 'invalid_client':
      case 'unauthorized_client':
        return new AppError(
          'VALIDATION',
          `${label} refused Clientele's OAuth client (check the configured client id and secret).`,
          { details },
        );
      case 'temporarily_unavailable':
        return new AppError('TEMPORARY', `${label} is temporarily unavailable. Try again in a moment.`, { details });
      default:
        if (error.status === 429)
          return new AppError('RATE_LIMIT', `${label} asked Clientele to slow down.`, { details });
        if (error.status >= 500) return new AppError('TEMPORARY', `${label} had a server error.`, { details });
        return new AppError('AUTH', `${label} refused the request (${error.error}). Reconnect the account.`, {
          details,
        });
    }
  }
  if (error instanceof client.WWWAuthenticateChallengeError) {
    return new AppError(
      'VALIDATION',
      `${label} refused Clientele's OAuth client (check the configured client id and secret).`,
      {
        details: { status: error.status },
      },
    );
  }
  if (error instanceof client.ClientError && error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') {
    const status = (error.cause as Response | undefined)?.status;
    if (status === 429) return new AppError('RATE_LIMIT', `${label} asked Clientele to slow down.`);
    return new AppError('TEMPORARY', `${label} answered the token request unexpectedly (HTTP ${status ?? '?'}).`);
  }
  const name = (error as { name?: string } | null)?.name;
  if (error instanceof TypeError || name === 'TimeoutError' || name === 'AbortError') {
    return new AppError('TEMPORARY', `Clientele cannot reach ${label}. Check that this computer is online.`, {
      details: { reason: (error as Error).message },
    });
  }
  return new AppError('INTERNAL', `Talking to ${label} failed unexpectedly.`, {
    details: { reason: error instanceof Error ? error.message : String(error) },
  });
}
