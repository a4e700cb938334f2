import { AppError } from '../../../common/errors.js';
import type { OAuthProvider } from '../../../common/domain/mail.js';
import type { OAuthProviderConfig } from './providers.js';

/** Who signed in: the mailbox address the new account gets (and a display name when known). */
export type OAuthIdentity = { email: string; displayName?: string };

/** Finds the signed-in mailbox with a fresh access token (Gmail users.getProfile, Graph /me). */
export type Identify = (accessToken: string, config: OAuthProviderConfig) => Promise<OAuthIdentity>;

/**
 * The built-in identify() of each provider: one REST call with the new token, against the
 * configured API base (so a workspace proxy or a test's fake works too). The drivers may
 * supply their own through the core's options.
 */
export const defaultIdentify: Record<OAuthProvider, Identify> = {
  gmail: async (accessToken, config) => {
    const body = await getJson(`${config.apiBaseUrl}/gmail/v1/users/me/profile`, accessToken, config.label);
    const email = typeof body.emailAddress === 'string' ? body.emailAddress : '';
    if (!email) throw new AppError('INTERNAL', 'Gmail did not say which mailbox signed in.');
    return { email };
  },
  graph: async (accessToken, config) => {
    const body = await getJson(`${config.apiBaseUrl}/v1.0/me`, accessToken, config.label);
    const email =
      (typeof body.mail === 'string' && body.mail) ||
      (typeof body.userPrincipalName === 'string' && body.userPrincipalName) ||
      '';
    if (!email) throw new AppError('INTERNAL', 'Microsoft 365 did not say which mailbox signed in.');
    return { email, ...(typeof body.displayName === 'string' ? { displayName: body.displayName } : {}) };
  },
};

async function getJson(url: string, accessToken: string, label: string): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new AppError('TEMPORARY', `Clientele cannot reach ${label}. Check that this computer is online.`, {
      details: { reason: (error as Error).message },
    });
  }
  if (response.status === 401) throw new AppError('AUTH', `${label} refused the new sign-in. Try connecting again.`);
  if (response.status === 403) {
    throw new AppError(
      'PERMISSION',
      `${label} did not allow Clientele to read this mailbox (is mail enabled for it?).`,
    );
  }
  if (response.status === 429) throw new AppError('RATE_LIMIT', `${label} asked Clientele to slow down.`);
  if (!response.ok) {
    throw new AppError('TEMPORARY', `${label} answered HTTP ${response.status} when asked who signed in.`);
  }
  return (await response.json()) as Record<string, unknown>;
}
