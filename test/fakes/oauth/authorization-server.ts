import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * An OAuth 2.0 authorization server for the provider fakes (test/fakes/gmail, test/fakes/graph),
 * following the RFCs the real ones implement for installed apps:
 *
 * - RFC 6749 4.1 authorization code grant (4.1.1 request, 4.1.2 response and 4.1.2.1 errors by
 *   redirect, 4.1.3/4.1.4 token request and response, 5.2 error responses), 6 refresh;
 * - RFC 7636 PKCE (4.3 code_challenge, 4.6 S256 verification; plain is refused, as both providers
 *   recommend S256 for native apps);
 * - RFC 8252 7.3 loopback redirect: any port on http://127.0.0.1 (or [::1]) matches;
 * - RFC 6750 2.1/3.1 bearer tokens and the WWW-Authenticate error on a bad or expired token;
 * - RFC 7009 revocation;
 * - RFC 7662 token introspection (what an IMAP server such as Dovecot's oauth2 passdb asks).
 *
 * It has no UI: an authorization request is consented (or denied) at once for the user the test
 * chose, like a browser where that user is signed in and clicks Allow.
 */
export type FakeOAuthOptions = {
  clientId: string;
  /** Google's desktop clients have a (non-secret) secret; Microsoft public clients have none. */
  clientSecret?: string;
  /** Scopes the client may ask for; anything else is invalid_scope. */
  scopes: string[];
  accessTokenTtlSeconds?: number;
  now?: () => number;
};

type Grant = { user: string; scopes: string[]; refreshToken: string; revoked: boolean };
type Code = { grant: Grant; redirectUri: string; challenge: string; expiresAt: number; used: boolean };
type Token = { grant: Grant; expiresAt: number };

export type BearerCheck = { ok: true; user: string; scopes: string[] } | { ok: false; status: 401; header: string };

export class FakeAuthorizationServer {
  /** Who is signed in to the fake's "browser"; null: the user denies consent (access_denied). */
  user: string | null = 'alice@example.test';
  /** Counts of what was asked, for tests. */
  readonly counts = { authorize: 0, codeExchanges: 0, refreshes: 0, revocations: 0 };
  private readonly codes = new Map<string, Code>();
  private readonly tokens = new Map<string, Token>();
  private readonly grants = new Map<string, Grant>();
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(private readonly options: FakeOAuthOptions) {
    this.ttl = options.accessTokenTtlSeconds ?? 3600;
    this.now = options.now ?? Date.now;
  }

  /** GET of the authorization endpoint (RFC 6749 4.1.1): redirects back with a code or an error. */
  authorize(url: URL, res: ServerResponse): void {
    this.counts.authorize += 1;
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri') ?? '';
    // 4.1.2.1: a bad client_id or redirect_uri must NOT redirect; the user sees an error page.
    if (q.get('client_id') !== this.options.clientId) return page(res, 400, 'invalid_client');
    if (!isLoopback(redirectUri)) return page(res, 400, 'redirect_uri_mismatch');
    const state = q.get('state');
    const back = (params: Record<string, string>): void => {
      const target = new URL(redirectUri);
      for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
      if (state !== null) target.searchParams.set('state', state);
      res.writeHead(302, { location: target.toString() }).end();
    };
    if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
    const scopes = (q.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0 || scopes.some((scope) => !this.options.scopes.includes(scope))) {
      return back({ error: 'invalid_scope' });
    }
    const challenge = q.get('code_challenge');
    if (!challenge || q.get('code_challenge_method') !== 'S256') {
      return back({ error: 'invalid_request', error_description: 'PKCE with S256 is required' });
    }
    if (this.user === null) return back({ error: 'access_denied' });
    const grant = this.grantFor(this.user, scopes);
    const code = token('code');
    this.codes.set(code, { grant, redirectUri, challenge, expiresAt: this.now() + 60_000, used: false });
    back({ code });
  }

  /** POST of the token endpoint (RFC 6749 4.1.3 and 6), form-encoded. */
  async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await bodyOf(req));
    if (!this.clientAuthenticated(req, form)) return oauthError(res, 401, 'invalid_client');
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      this.counts.codeExchanges += 1;
      const code = this.codes.get(form.get('code') ?? '');
      // 4.1.2: a code is single use and short-lived; 4.1.3: redirect_uri must match the request's.
      if (!code || code.used || code.expiresAt < this.now() || code.redirectUri !== form.get('redirect_uri')) {
        return oauthError(res, 400, 'invalid_grant');
      }
      code.used = true;
      const verifier = form.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge) {
        return oauthError(res, 400, 'invalid_grant', 'PKCE verification failed');
      }
      return this.issue(res, code.grant, true);
    }
    if (grantType === 'refresh_token') {
      this.counts.refreshes += 1;
      const grant = [...this.grants.values()].find((g) => g.refreshToken === form.get('refresh_token'));
      if (!grant || grant.revoked) return oauthError(res, 400, 'invalid_grant', 'Token has been expired or revoked.');
      return this.issue(res, grant, false);
    }
    return oauthError(res, 400, 'unsupported_grant_type');
  }

  /** POST of the revocation endpoint (RFC 7009 2.1): revokes the whole grant; 200 even if unknown. */
  async revoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.counts.revocations += 1;
    const form = new URLSearchParams(await bodyOf(req));
    const value = form.get('token') ?? '';
    const grant =
      this.tokens.get(value)?.grant ?? [...this.grants.values()].find((candidate) => candidate.refreshToken === value);
    if (grant) grant.revoked = true;
    res.writeHead(200).end();
  }

  /**
   * POST of the introspection endpoint (RFC 7662 2.1, form `token=...`): `{active: false}` for
   * anything unknown, expired or revoked (2.2), else active with the user as `username`.
   */
  async introspect(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await bodyOf(req));
    const found = this.tokens.get(form.get('token') ?? '');
    const active = found !== undefined && !found.grant.revoked && found.expiresAt > this.now();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        active
          ? {
              active: true,
              username: found.grant.user,
              scope: found.grant.scopes.join(' '),
              client_id: this.options.clientId,
              token_type: 'Bearer',
              exp: Math.floor(found.expiresAt / 1000),
            }
          : { active: false },
      ),
    );
  }

  /** RFC 6750: checks `Authorization: Bearer ...` for a resource server (the fake API). */
  checkBearer(req: IncomingMessage, realm: string): BearerCheck {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!match) return { ok: false, status: 401, header: `Bearer realm="${realm}"` };
    const found = this.tokens.get(match[1]!);
    if (!found || found.grant.revoked || found.expiresAt <= this.now()) {
      const description = found && found.expiresAt <= this.now() ? 'The access token expired' : 'Invalid token';
      return {
        ok: false,
        status: 401,
        header: `Bearer realm="${realm}", error="invalid_token", error_description="${description}"`,
      };
    }
    return { ok: true, user: found.grant.user, scopes: found.grant.scopes };
  }

  /** Issues a token pair directly (a test's already-connected account), as a code exchange would. */
  grant(user: string, scopes = this.options.scopes): { accessToken: string; refreshToken: string; expiresIn: number } {
    const grant = this.grantFor(user, scopes);
    const accessToken = token('at');
    this.tokens.set(accessToken, { grant, expiresAt: this.now() + this.ttl * 1000 });
    return { accessToken, refreshToken: grant.refreshToken, expiresIn: this.ttl };
  }

  /** Every access token issued so far stops working (as after its hour), refresh tokens still do. */
  expireAccessTokens(): void {
    for (const issued of this.tokens.values()) issued.expiresAt = Math.min(issued.expiresAt, this.now());
  }

  /** The user removed the app's access (Google: myaccount.google.com/permissions). */
  revokeUser(user: string): void {
    for (const grant of this.grants.values()) if (grant.user === user) grant.revoked = true;
  }

  private grantFor(user: string, scopes: string[]): Grant {
    const key = `${user} ${[...scopes].sort().join(' ')}`;
    let grant = this.grants.get(key);
    if (!grant || grant.revoked) {
      grant = { user, scopes, refreshToken: token('rt'), revoked: false };
      this.grants.set(key, grant);
    }
    return grant;
  }

  private issue(res: ServerResponse, grant: Grant, withRefresh: boolean): void {
    const accessToken = token('at');
    this.tokens.set(accessToken, { grant, expiresAt: this.now() + this.ttl * 1000 });
    // 5.1: the token response, never cached.
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' });
    res.end(
      JSON.stringify({
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: this.ttl,
        scope: grant.scopes.join(' '),
        ...(withRefresh ? { refresh_token: grant.refreshToken } : {}),
      }),
    );
  }

  /** 2.3.1: client_secret_post or client_secret_basic; a public client sends only client_id. */
  private clientAuthenticated(req: IncomingMessage, form: URLSearchParams): boolean {
    let clientId = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic (\S+)$/.exec(req.headers.authorization ?? '');
    if (basic) {
      const [id, pass] = Buffer.from(basic[1]!, 'base64').toString().split(':');
      clientId = decodeURIComponent(id ?? '');
      secret = decodeURIComponent(pass ?? '');
    }
    if (clientId !== this.options.clientId) return false;
    return this.options.clientSecret === undefined || secret === this.options.clientSecret;
  }
}

function isLoopback(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]');
  } catch {
    return false;
  }
}

function token(kind: string): string {
  return `${kind}.${randomBytes(24).toString('base64url')}`;
}

function page(res: ServerResponse, status: number, error: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' }).end(`Error: ${error}`);
}

function oauthError(res: ServerResponse, status: number, error: string, description?: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error, ...(description ? { error_description: description } : {}) }));
}

export async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
