import type { FakeGmailServer } from './gmail/gmail-server.js';
import type { FakeGraphServer } from './graph/graph-server.js';

/** Endpoints and client of a provider, as the core's `oauth.providers` option takes them. */
export type FakeProviderConfig = {
  clientId: string;
  clientSecret?: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint?: string;
  apiBaseUrl: string;
};

/** Google's paths on the Gmail fake. */
export function gmailFakeConfig(gmail: FakeGmailServer): FakeProviderConfig {
  return {
    clientId: gmail.clientId,
    clientSecret: gmail.clientSecret,
    authorizationEndpoint: `${gmail.rootUrl}o/oauth2/v2/auth`,
    tokenEndpoint: gmail.tokenUrl,
    revocationEndpoint: `${gmail.rootUrl}revoke`,
    apiBaseUrl: gmail.rootUrl,
  };
}

/** The Microsoft identity platform's paths (tenant 'common') on the Graph fake. */
export function graphFakeConfig(graph: FakeGraphServer): FakeProviderConfig {
  return {
    clientId: graph.clientId,
    authorizationEndpoint: `${graph.url}/common/oauth2/v2.0/authorize`,
    tokenEndpoint: graph.tokenEndpoint(),
    apiBaseUrl: graph.url,
  };
}

/** The same as the environment variables a workspace sets for its own OAuth app. */
export function providerEnv(
  prefix: 'CLIENTELE_GMAIL' | 'CLIENTELE_GRAPH',
  config: FakeProviderConfig,
): NodeJS.ProcessEnv {
  return {
    [`${prefix}_CLIENT_ID`]: config.clientId,
    ...(config.clientSecret ? { [`${prefix}_CLIENT_SECRET`]: config.clientSecret } : {}),
    [`${prefix}_AUTHORIZATION_URL`]: config.authorizationEndpoint,
    [`${prefix}_TOKEN_URL`]: config.tokenEndpoint,
    ...(config.revocationEndpoint ? { [`${prefix}_REVOCATION_URL`]: config.revocationEndpoint } : {}),
    [`${prefix}_API_URL`]: config.apiBaseUrl,
  };
}
