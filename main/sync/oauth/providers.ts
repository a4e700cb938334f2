import { AppError } from '../../../common/errors.js';
import type { OAuthProvider } from '../../../common/domain/mail.js';

/**
 * Everything Clientele needs to talk OAuth with one provider: the endpoints, the installed-app
 * client it was registered as, the scopes, and the base URL of the mail API (for identify()).
 */
export type OAuthProviderConfig = {
  provider: OAuthProvider;
  /** Human name, for messages. */
  label: string;
  /** RFC 9207: the `iss` a redirect may carry (Google sends it); checked by openid-client when present. */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint?: string;
  clientId: string;
  /** Google's desktop clients have a (non-confidential) secret; Microsoft public clients have none. */
  clientSecret?: string;
  scopes: string[];
  /** Extra authorization request parameters (Google: access_type=offline & prompt=consent). */
  extraAuthorizationParams: Record<string, string>;
  /** Base URL of the provider's REST API (Gmail: https://gmail.googleapis.com, Graph: https://graph.microsoft.com). */
  apiBaseUrl: string;
};

/** What a workspace (environment) or a test (core options) may change; every field is optional. */
export type OAuthProviderOverrides = Partial<
  Pick<
    OAuthProviderConfig,
    | 'authorizationEndpoint'
    | 'tokenEndpoint'
    | 'revocationEndpoint'
    | 'clientId'
    | 'clientSecret'
    | 'scopes'
    | 'apiBaseUrl'
    | 'issuer'
  >
> & {
  /** Microsoft only: the tenant in the endpoints (default 'common': work, school and personal accounts). */
  tenant?: string;
};

export const GMAIL_SCOPES = [
  'https://www.googleapis.com/auth/gmail.readonly',
  'https://www.googleapis.com/auth/gmail.send',
];
export const GRAPH_SCOPES = [
  'offline_access',
  'https://graph.microsoft.com/Mail.Read',
  'https://graph.microsoft.com/Mail.Send',
  'https://graph.microsoft.com/User.Read',
];

/** The environment variable prefix of each provider: CLIENTELE_GMAIL_CLIENT_ID, CLIENTELE_GRAPH_TENANT, ... */
export const ENV_PREFIX: Record<OAuthProvider, string> = { gmail: 'CLIENTELE_GMAIL', graph: 'CLIENTELE_GRAPH' };

const ENV_FIELDS: Record<string, keyof OAuthProviderOverrides> = {
  CLIENT_ID: 'clientId',
  CLIENT_SECRET: 'clientSecret',
  AUTHORIZATION_URL: 'authorizationEndpoint',
  TOKEN_URL: 'tokenEndpoint',
  REVOCATION_URL: 'revocationEndpoint',
  API_URL: 'apiBaseUrl',
  TENANT: 'tenant',
  ISSUER: 'issuer',
};

/** The overrides a workspace set in the environment (e.g. CLIENTELE_GMAIL_CLIENT_ID). */
export function overridesFromEnv(provider: OAuthProvider, env: NodeJS.ProcessEnv): OAuthProviderOverrides {
  const overrides: Record<string, unknown> = {};
  for (const [suffix, field] of Object.entries(ENV_FIELDS)) {
    const value = env[`${ENV_PREFIX[provider]}_${suffix}`]?.trim();
    if (value) overrides[field] = value;
  }
  const scopes = env[`${ENV_PREFIX[provider]}_SCOPES`]?.trim();
  if (scopes) overrides.scopes = scopes.split(/\s+/);
  return overrides;
}

/**
 * The provider's configuration: built-in endpoints and scopes, then the environment (a
 * workspace's own OAuth app), then the core's options (tests, embedders), each overriding the
 * one before. No client id is built in: without one, a VALIDATION error says how to set it.
 */
export function resolveProviderConfig(
  provider: OAuthProvider,
  options: OAuthProviderOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): OAuthProviderConfig {
  const merged: OAuthProviderOverrides = { ...overridesFromEnv(provider, env), ...definedOnly(options) };
  for (const field of ['authorizationEndpoint', 'tokenEndpoint', 'revocationEndpoint', 'apiBaseUrl'] as const) {
    const value = merged[field];
    if (value !== undefined && !isAllowedEndpoint(value)) {
      throw new AppError(
        'VALIDATION',
        `The ${field} configured for ${provider} (${value}) is not an https URL (plain http is allowed only on 127.0.0.1).`,
      );
    }
  }
  const base = provider === 'gmail' ? gmailDefaults() : graphDefaults(merged.tenant ?? 'common');
  const clientId = merged.clientId ?? '';
  if (!clientId) {
    throw new AppError(
      'VALIDATION',
      `${base.label} is not set up in this installation: no OAuth client id. Register a desktop app with ` +
        `${provider === 'gmail' ? 'Google Cloud (OAuth client, type Desktop app)' : 'Microsoft Entra (public client, redirect http://127.0.0.1)'}` +
        ` and set ${ENV_PREFIX[provider]}_CLIENT_ID${provider === 'gmail' ? ` and ${ENV_PREFIX[provider]}_CLIENT_SECRET` : ''} before starting Clientele.`,
      { details: { provider, missing: `${ENV_PREFIX[provider]}_CLIENT_ID` } },
    );
  }
  const config: OAuthProviderConfig = {
    ...base,
    clientId,
    // Endpoints moved elsewhere (a test's fake, a proxy): their origin is the issuer unless one is given.
    issuer:
      merged.issuer ?? (merged.authorizationEndpoint ? new URL(merged.authorizationEndpoint).origin : base.issuer),
    authorizationEndpoint: merged.authorizationEndpoint ?? base.authorizationEndpoint,
    tokenEndpoint: merged.tokenEndpoint ?? base.tokenEndpoint,
    scopes: merged.scopes ?? base.scopes,
    // Without a trailing slash: paths are appended to it (`${apiBaseUrl}/gmail/v1/...`).
    apiBaseUrl: (merged.apiBaseUrl ?? base.apiBaseUrl).replace(/\/+$/, ''),
  };
  const revocation = merged.revocationEndpoint ?? base.revocationEndpoint;
  if (revocation) config.revocationEndpoint = revocation;
  if (merged.clientSecret) config.clientSecret = merged.clientSecret;
  return config;
}

function gmailDefaults(): Omit<OAuthProviderConfig, 'clientId'> {
  return {
    provider: 'gmail',
    label: 'Gmail',
    issuer: 'https://accounts.google.com',
    authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenEndpoint: 'https://oauth2.googleapis.com/token',
    revocationEndpoint: 'https://oauth2.googleapis.com/revoke',
    scopes: GMAIL_SCOPES,
    // A refresh token is issued only with access_type=offline, and again on a reconnect only with prompt=consent.
    extraAuthorizationParams: { access_type: 'offline', prompt: 'consent' },
    apiBaseUrl: 'https://gmail.googleapis.com',
  };
}

function graphDefaults(tenant: string): Omit<OAuthProviderConfig, 'clientId'> {
  const base = `https://login.microsoftonline.com/${encodeURIComponent(tenant)}/oauth2/v2.0`;
  return {
    provider: 'graph',
    label: 'Microsoft 365',
    issuer: `https://login.microsoftonline.com/${encodeURIComponent(tenant)}/v2.0`,
    authorizationEndpoint: `${base}/authorize`,
    tokenEndpoint: `${base}/token`,
    scopes: GRAPH_SCOPES,
    // Lets the user pick which Microsoft account to connect rather than reusing the signed-in one.
    extraAuthorizationParams: { prompt: 'select_account' },
    apiBaseUrl: 'https://graph.microsoft.com',
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

/** https anywhere; plain http only to this computer (a test's fake, a local proxy). */
function isAllowedEndpoint(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
}
