import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import Provider, { type Account, type Claims } from 'oidc-provider';

/** A person at the IdP: the `sub` is what they type as "login" on the provider's dev sign-in page. */
export type IdpAccount = { email?: string; email_verified?: boolean; name?: string };

export type TestIdp = {
  /** The issuer identifier, http://127.0.0.1:<port> (discovery at /.well-known/openid-configuration). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The IdP's people by sub; change an entry and the next sign-in sees it (an email changed at the IdP). */
  readonly accounts: Map<string, IdpAccount>;
  /**
   * A JWT signed with the IdP's own key and key id (a logout token of the test's making: claims the
   * provider would never send, or a replay). `foreignKey` signs with a key of another party instead.
   */
  sign(claims: JWTPayload, options?: { foreignKey?: boolean; typ?: string }): Promise<string>;
  /** The provider's back-channel logout calls so far: answered 200, or its error (status and body). */
  readonly backchannel: { delivered: number; errors: string[] };
  close(): Promise<void>;
};

export type TestIdpOptions = {
  /** The relying party's callback URLs registered for the client (exact match, as real IdPs do). */
  redirectUris: string[];
  /** Where a sign-out at the IdP (RP-Initiated Logout) may send the browser back to; others are refused. */
  postLogoutRedirectUris?: string[];
  /** Where the IdP posts logout tokens when someone signs out there (Back-Channel Logout, with sid). */
  backchannelLogoutUri?: string;
  accounts?: Record<string, IdpAccount>;
  /**
   * true: the email claims ride in the ID token (what Google, Entra and Okta do for the code flow).
   * false (oidc-provider's spec-strict default): only at the userinfo endpoint.
   */
  claimsInIdToken?: boolean;
  /**
   * The issuer's host. 'localhost' puts the IdP on another site than a server on 127.0.0.1 (cookies'
   * SameSite compares hosts, not ports), as a real IdP is; it still listens on 127.0.0.1 only.
   */
  host?: '127.0.0.1' | 'localhost';
};

/**
 * A real OpenID provider (panva's oidc-provider, the certified implementation) on 127.0.0.1 and a free
 * port, with its development login and consent pages, one confidential client, RS256 keys made per
 * run, and accounts the test controls. Nothing is faked: discovery, PKCE, nonce, code single use and
 * ID token signatures are the provider's own.
 */
export async function startTestIdp(options: TestIdpOptions): Promise<TestIdp> {
  const accounts = new Map<string, IdpAccount>(Object.entries(options.accounts ?? {}));
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const issuer = `http://${options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test-idp-1' };
  const clientId = 'clientele-team-server';
  const clientSecret = 'idp-client-secret-that-is-long-enough-for-hs256';

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris ?? [],
        ...(options.backchannelLogoutUri
          ? { backchannel_logout_uri: options.backchannelLogoutUri, backchannel_logout_session_required: true }
          : {}),
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['test-idp-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: options.claimsInIdToken !== true,
    // Always PKCE, as an IdP configured by a careful admin would demand.
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, backchannelLogout: { enabled: true } },
    // The provider refuses to call special-use addresses (its SSRF guard, a dispatcher it adds to each
    // request): here the relying party's back-channel logout URI is on 127.0.0.1, as everything is.
    fetch: (url: string, init: RequestInit & { dispatcher?: unknown }) => {
      const { dispatcher: _guard, ...rest } = init;
      return fetch(url, rest);
    },
    ttl: { AuthorizationCode: 60, AccessToken: 600, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    async findAccount(_ctx: unknown, sub: string): Promise<Account | undefined> {
      if (!accounts.has(sub)) return undefined;
      return {
        accountId: sub,
        claims: (): Claims => {
          const person = accounts.get(sub) ?? {};
          return { sub, ...person };
        },
      };
    },
  });
  server.on('request', provider.callback());
  const backchannel = { delivered: 0, errors: [] as string[] };
  provider.on('backchannel.success', () => {
    backchannel.delivered += 1;
  });
  provider.on('backchannel.error', (_ctx: unknown, error: Error) => {
    backchannel.errors.push(error.message);
  });
  const foreign = await generateKeyPair('RS256');
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    backchannel,
    sign: (claims, signOptions = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: signingKey.kid, typ: signOptions.typ ?? 'logout+jwt' })
        .sign(signOptions.foreignKey ? foreign.privateKey : privateKey),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
