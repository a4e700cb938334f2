import { AuthClient } from 'google-auth-library';
import type { gaxios } from 'google-auth-library';
import type { AccessTokenSource } from '../../oauth/access-token.js';

/**
 * The googleapis client's auth, backed by an AccessTokenSource: each request asks the source for
 * a token (it refreshes when needed) and carries it as `Authorization: Bearer`. A 401 is not
 * retried here: the driver invalidates the source and retries once itself (gmail-driver.ts).
 */
export class TokenSourceAuth extends AuthClient {
  constructor(private readonly tokens: AccessTokenSource) {
    super();
  }

  async getAccessToken(): Promise<{ token: string }> {
    return { token: await this.tokens.accessToken() };
  }

  async getRequestHeaders(): Promise<Headers> {
    return new Headers({ authorization: `Bearer ${await this.tokens.accessToken()}` });
  }

  async request<T>(options: gaxios.GaxiosOptions): Promise<gaxios.GaxiosResponse<T>> {
    const headers = new Headers(options.headers);
    headers.set('authorization', `Bearer ${await this.tokens.accessToken()}`);
    return this.transporter.request<T>({ ...options, headers, retry: false });
  }
}
