import { LoginOutput } from '../../common/api/server-auth.js';
import { WorkspaceInfo } from '../../common/api/server-admin.js';
import { AppError } from '../../common/errors.js';

/** The few team server calls enrollment makes, with the server's failures turned into AppErrors. */
export class TeamServerClient {
  constructor(
    private readonly serverUrl: string,
    private readonly fetchFn: typeof globalThis.fetch = globalThis.fetch,
    private readonly timeoutMs = 15_000,
  ) {}

  async login(email: string, password: string): Promise<LoginOutput> {
    const response = await this.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    return LoginOutput.parse(await this.value(response));
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
    throw new AppError('TEMPORARY', message);
  }
}
