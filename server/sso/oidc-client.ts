import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import * as client from 'openid-client';
import { AppError } from '../../common/errors.js';
import type { Clock } from '../clock.js';
import type { ActiveSsoConfig } from './sso-config.js';

/** How long an IdP's discovered metadata (and its signing keys) are reused before asking again. */
const METADATA_TTL_MS = 10 * 60_000;
const REQUEST_TIMEOUT_SECONDS = 15;

type CachedIssuer = { metadata: client.ServerMetadata; jwks: client.ExportedJWKSCache | undefined; fetchedAt: number };

function isLoopbackHttp(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'http:' && (hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname));
}

/**
 * The server as an OpenID Connect relying party (openid-client). Metadata comes from discovery on the
 * issuer URL and is kept a few minutes per instance: a cache, not state, since any instance can
 * rediscover. Each use builds a fresh Configuration so that ID token times are judged by the injected
 * clock (openid-client's clockSkew) and a changed client id or secret applies at once.
 */
export class OidcClients {
  private readonly issuers = new Map<string, CachedIssuer>();
  /** The IdP's signing keys for logout tokens, by jwks_uri (jose fetches and refreshes them). */
  private readonly logoutKeys = new Map<string, JWTVerifyGetKey>();

  constructor(private readonly clock: Clock) {}

  /** Discovers the IdP (or reuses what was discovered): TEMPORARY when it does not answer as an IdP. */
  async configuration(config: ActiveSsoConfig): Promise<client.Configuration> {
    const cached = await this.discovered(config.issuer);
    const metadata = cached.metadata;
    // client_secret_basic is the spec's default; post only for an IdP that offers nothing else.
    const methods = metadata.token_endpoint_auth_methods_supported;
    const auth =
      !methods || methods.includes('client_secret_basic')
        ? client.ClientSecretBasic(config.clientSecret)
        : client.ClientSecretPost(config.clientSecret);
    const configuration = new client.Configuration(
      metadata,
      config.clientId,
      // Positive skew: the server's clock is ahead of the process clock (only ever in tests).
      { client_secret: config.clientSecret, [client.clockSkew]: Math.round((this.clock.now() - Date.now()) / 1000) },
      auth,
    );
    configuration.timeout = REQUEST_TIMEOUT_SECONDS;
    if (isLoopbackHttp(config.issuer)) client.allowInsecureRequests(configuration);
    // The ID token's signature is checked against the IdP's keys even though it came straight from
    // the token endpoint: over plain loopback http there is no TLS to vouch for it.
    client.enableNonRepudiationChecks(configuration);
    if (cached.jwks) client.setJwksCache(configuration, cached.jwks);
    return configuration;
  }

  /** The issuer's metadata as discovered within METADATA_TTL_MS, or discovered now. */
  private async discovered(issuer: string): Promise<CachedIssuer> {
    const now = this.clock.now();
    let cached = this.issuers.get(issuer);
    if (!cached || now - cached.fetchedAt >= METADATA_TTL_MS || now < cached.fetchedAt) {
      cached = { metadata: await discover(issuer), jwks: cached?.jwks, fetchedAt: now };
      this.issuers.set(issuer, cached);
    }
    return cached;
  }

  /** Keeps the signing keys a code exchange fetched, so the next one needs no JWKS request. */
  remember(config: ActiveSsoConfig, configuration: client.Configuration): void {
    const cached = this.issuers.get(config.issuer);
    const jwks = client.getJwksCache(configuration);
    if (cached && jwks) cached.jwks = jwks;
  }

  /**
   * What a back-channel logout token is checked against: the IdP's issuer identifier and signing keys
   * (from discovery, as for ID tokens). Keys are fetched on first use and again for an unknown key id.
   */
  async logoutTokenKeys(config: ActiveSsoConfig): Promise<{ issuer: string; keys: JWTVerifyGetKey }> {
    const { metadata } = await this.discovered(config.issuer);
    const jwksUri = metadata.jwks_uri!;
    let keys = this.logoutKeys.get(jwksUri);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: REQUEST_TIMEOUT_SECONDS * 1000 });
      this.logoutKeys.set(jwksUri, keys);
    }
    return { issuer: metadata.issuer, keys };
  }

  /** For a configuration the admin saves: does the issuer answer discovery as an OpenID provider? */
  async check(issuer: string): Promise<void> {
    this.issuers.set(issuer, { metadata: await discover(issuer), jwks: undefined, fetchedAt: this.clock.now() });
  }
}

async function discover(issuer: string): Promise<client.ServerMetadata> {
  try {
    const configuration = await client.discovery(new URL(issuer), 'discovery-only', undefined, undefined, {
      ...(isLoopbackHttp(issuer) ? { execute: [client.allowInsecureRequests] } : {}),
      timeout: REQUEST_TIMEOUT_SECONDS,
    });
    const metadata = configuration.serverMetadata();
    if (!metadata.authorization_endpoint || !metadata.token_endpoint || !metadata.jwks_uri) {
      throw new AppError('VALIDATION', `${issuer} does not describe an OpenID provider (missing endpoints).`);
    }
    if (metadata.code_challenge_methods_supported && !metadata.code_challenge_methods_supported.includes('S256')) {
      throw new AppError('VALIDATION', `${issuer} does not support PKCE with S256, which Clientele requires.`);
    }
    return { ...metadata };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      'TEMPORARY',
      `The identity provider at ${issuer} could not be reached or did not answer OpenID discovery.`,
      { details: { reason: error instanceof Error ? error.message : String(error) } },
    );
  }
}
