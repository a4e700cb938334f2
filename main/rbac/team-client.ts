import { z } from 'zod';
import { LoginOutput } from '../../common/api/server-auth.js';
import { WorkspaceInfo } from '../../common/api/server-admin.js';
import { PasswordChangeChallengeOutput } from '../../common/api/server-account-recovery.js';
import { GrantView, type GrantRequestInput } from '../../common/api/server-grants.js';
import { SecondFactorChallengeOutput } from '../../common/api/server-second-factor.js';
import { SsoStatus, type SsoExchangeInput } from '../../common/api/server-sso.js';
import { AppError } from '../../common/errors.js';

/** The team server calls the desktop makes, with the server's failures turned into AppErrors. */
export class TeamServerClient {
  constructor(
    private readonly serverUrl: string,
    private readonly fetchFn: typeof globalThis.fetch = globalThis.fetch,
    private readonly timeoutMs = 15_000,
  ) {}

  /**
   * Password sign-in, then the second factor when the account has one: a 6-digit code is sent as
   * the TOTP code, anything else as a recovery code. Without one, SECOND_FACTOR_REQUIRED, so the
   * form can ask for it and try again. A temporary password (an administrator's reset) opens no
   * session: PASSWORD_CHANGE_REQUIRED says where to choose one's own (the admin pages' sign-in).
   */
  async login(email: string, password: string, secondFactorCode?: string): Promise<LoginOutput> {
    const first = await this.post('/api/auth/login', { email, password });
    const challenge = SecondFactorChallengeOutput.safeParse(first);
    if (!challenge.success) return this.session(first);
    if (secondFactorCode === undefined) {
      throw new AppError(
        'SECOND_FACTOR_REQUIRED',
        'This account signs in with a second factor: enter the 6-digit code from your authenticator app, or a recovery code.',
      );
    }
    const code = secondFactorCode.replace(/\s+/g, '');
    const proof = /^\d{6}$/.test(code) ? { code } : { recoveryCode: secondFactorCode };
    return this.session(await this.post('/api/auth/second-factor', { challenge: challenge.data.challenge, ...proof }));
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    return this.value(
      await this.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  }

  private session(value: unknown): LoginOutput {
    if (PasswordChangeChallengeOutput.safeParse(value).success) {
      throw new AppError(
        'PASSWORD_CHANGE_REQUIRED',
        `Your administrator set a temporary password for this account. Sign in at ${new URL('/admin', this.serverUrl).href} to choose your own, then enroll with it.`,
      );
    }
    const parsed = LoginOutput.safeParse(value);
    if (!parsed.success) throw new AppError('VALIDATION', 'The team server did not answer the sign-in as expected.');
    return parsed.data;
  }

  /** Whether the server offers single sign-on; a server from before SSO (404) does not. */
  async ssoEnabled(): Promise<boolean> {
    const response = await this.request('/api/auth/sso/status', {});
    if (response.status === 404) return false;
    const parsed = SsoStatus.safeParse(await this.value(response));
    if (!parsed.success) throw new AppError('VALIDATION', 'The team server did not answer as expected (SSO status).');
    return parsed.data.enabled;
  }

  /** Where the browser starts an SSO sign-in that ends at this desktop's loopback redirect. */
  ssoStartUrl(params: { redirectUri: string; codeChallenge: string; state: string }): string {
    const url = new URL('/api/auth/sso/start', this.serverUrl);
    url.searchParams.set('redirect_uri', params.redirectUri);
    url.searchParams.set('code_challenge', params.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('state', params.state);
    return url.href;
  }

  /** The one-time code from the loopback, with this desktop's PKCE verifier, for a session. */
  async ssoExchange(input: SsoExchangeInput): Promise<LoginOutput> {
    return this.session(await this.post('/api/auth/sso/exchange', input));
  }

  async workspace(): Promise<WorkspaceInfo> {
    const parsed = WorkspaceInfo.safeParse(await this.value(await this.request('/api/workspace', {})));
    if (!parsed.success) throw new AppError('VALIDATION', 'The server did not describe a Clientele workspace.');
    return parsed.data;
  }

  /** The signed policy (compact JWS) and its ETag. */
  async policy(token: string): Promise<{ jws: string; etag: string | null }> {
    const response = await this.request('/api/policy', {
      headers: { authorization: `Bearer ${token}`, accept: 'application/jose' },
    });
    if (response.status !== 200) await this.value(response);
    return { jws: (await response.text()).trim(), etag: response.headers.get('etag') };
  }

  /** Asks for a just-in-time grant (POST /api/grants); the server decides whether it may be asked. */
  async requestGrant(token: string, input: GrantRequestInput): Promise<GrantView> {
    return this.parsed(GrantView, await this.authed('POST', '/api/grants', token, input));
  }

  /** The user's own requests, newest first. */
  async myGrants(token: string): Promise<GrantView[]> {
    return this.parsed(z.array(GrantView), await this.authed('GET', '/api/grants/mine', token));
  }

  async cancelGrant(token: string, id: string): Promise<GrantView> {
    return this.parsed(GrantView, await this.authed('POST', `/api/grants/${encodeURIComponent(id)}/cancel`, token, {}));
  }

  private async authed(method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<unknown> {
    return this.value(
      await this.request(path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  }

  private parsed<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new AppError('VALIDATION', 'The team server did not answer as expected.');
    return parsed.data;
  }

  /** Best effort: a session opened by a failed enrollment should not linger on the server. */
  async logout(token: string): Promise<void> {
    try {
      await this.request('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    } catch {
      // Nothing to do: the session expires on its own.
    }
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchFn(new URL(path, this.serverUrl), {
        ...init,
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new AppError(
        'TEMPORARY',
        `Could not reach the team server at ${this.serverUrl}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** The `value` of an `{ok:true}` answer; the server's own error (code and message) otherwise. */
  private async value(response: Response): Promise<unknown> {
    let body: { ok?: boolean; value?: unknown; error?: { code?: string; message?: string; retryAfterMs?: number } };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new AppError('TEMPORARY', `The team server answered ${response.status} with something that is not JSON.`);
    }
    if (response.ok && body.ok === true) return body.value;
    const message = body.error?.message ?? `The team server answered ${response.status}.`;
    if (response.status === 401) throw new AppError('AUTH', message);
    if (response.status === 429) {
      throw new AppError('RATE_LIMIT', message, {
        ...(body.error?.retryAfterMs !== undefined ? { retryAfterMs: body.error.retryAfterMs } : {}),
      });
    }
    if (response.status === 400) throw new AppError('VALIDATION', message);
    // E.g. a workspace that requires 2FA and an account without it yet: the server says what to do.
    if (response.status === 403) throw new AppError('FORBIDDEN', message);
    // E.g. an access request for what the user already holds, or one decided already.
    if (response.status === 404) throw new AppError('NOT_FOUND', message);
    if (response.status === 409) throw new AppError('CONFLICT', message);
    throw new AppError('TEMPORARY', message);
  }
}
