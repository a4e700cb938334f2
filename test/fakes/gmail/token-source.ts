import { AppError } from '../../../common/errors.js';
import type { AccessTokenSource } from '../../../main/sync/oauth/access-token.js';

/**
 * A minimal refreshing AccessTokenSource for tests: it refreshes at Google's token endpoint (the
 * fake's POST /token, RFC 6749 6) when it has no token or was invalidated. invalid_grant → AUTH.
 * (The product's own source is built elsewhere; this one exists only to drive the fake.)
 */
export class TestRefreshingTokenSource implements AccessTokenSource {
  refreshes = 0;
  invalidations = 0;

  constructor(
    private readonly tokenUrl: string,
    private readonly client: { id: string; secret: string },
    private readonly refreshToken: string,
    private current: string | null = null,
  ) {}

  async accessToken(): Promise<string> {
    if (this.current) return this.current;
    this.refreshes += 1;
    const response = await fetch(this.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: this.refreshToken,
        client_id: this.client.id,
        client_secret: this.client.secret,
      }).toString(),
    });
    const body = (await response.json()) as { access_token?: string; error?: string };
    if (response.status === 400 && body.error === 'invalid_grant') {
      throw new AppError('AUTH', 'Google revoked access to this mailbox; reconnect the account.');
    }
    if (!response.ok || !body.access_token)
      throw new AppError('TEMPORARY', `token endpoint answered ${response.status}`);
    this.current = body.access_token;
    return this.current;
  }

  invalidate(): void {
    this.invalidations += 1;
    this.current = null;
  }
}
