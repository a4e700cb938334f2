import { AppError } from '../../../common/errors.js';
import type { AccessTokenSource } from '../../../main/sync/oauth/access-token.js';

/**
 * A refreshing AccessTokenSource for tests (the app's own is built elsewhere): RFC 6749 6 refresh
 * at the fake's Microsoft identity platform token endpoint, as a public client (no secret).
 */
export class RefreshingTestTokenSource implements AccessTokenSource {
  refreshes = 0;
  private current: string | null;

  constructor(
    private readonly tokenEndpoint: string,
    private readonly clientId: string,
    private refreshToken: string,
    accessToken: string | null = null,
  ) {
    this.current = accessToken;
  }

  async accessToken(): Promise<string> {
    if (this.current) return this.current;
    this.refreshes += 1;
    const response = await fetch(this.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: this.clientId,
        grant_type: 'refresh_token',
        refresh_token: this.refreshToken,
        scope: 'offline_access https://graph.microsoft.com/Mail.Read',
      }),
    });
    const body = (await response.json()) as { access_token?: string; refresh_token?: string; error?: string };
    if (!response.ok || !body.access_token) {
      if (body.error === 'invalid_grant') throw new AppError('AUTH', 'The Microsoft 365 grant was revoked.');
      throw new AppError('TEMPORARY', `Token endpoint answered ${response.status}.`);
    }
    if (body.refresh_token) this.refreshToken = body.refresh_token;
    this.current = body.access_token;
    return this.current;
  }

  invalidate(): void {
    this.current = null;
  }
}
