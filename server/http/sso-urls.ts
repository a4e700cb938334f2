import type { FastifyRequest } from 'fastify';

/** Where a web sign-in leads once it is done, and a sign-out at the IdP comes back to: the admin pages. */
export const WEB_LANDING = '/admin/';

/** The server's callback as the browser reaches it (register this at the IdP; behind a proxy, --trust-proxy). */
export function ssoCallbackUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/api/auth/sso/callback`;
}

/** Where the IdP sends the browser back after a sign-out there (its post-logout redirect URI), likewise. */
export function ssoSignedOutUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${WEB_LANDING}`;
}

export const BACKCHANNEL_LOGOUT_PATH = '/api/auth/sso/backchannel-logout';

/** Where the IdP posts its logout tokens (register it as the back-channel logout URI), likewise. */
export function ssoBackchannelLogoutUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${BACKCHANNEL_LOGOUT_PATH}`;
}
