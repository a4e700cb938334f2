/**
 * Bearer tokens for a provider's API (Gmail, Microsoft Graph). A driver asks for a token per
 * request and never sees the refresh token; the source refreshes when the token is about to
 * expire and seals what it gets into the store.
 */
export interface AccessTokenSource {
  /**
   * A token valid for at least another minute, refreshed first when needed. Fails with AUTH when
   * the grant was revoked or the refresh token expired (the user must reconnect the account), with
   * TEMPORARY when the token endpoint cannot be reached.
   */
  accessToken(): Promise<string>;
  /** The API refused the token (401 invalid_token): the next accessToken() refreshes. */
  invalidate(): void;
}

/** A fixed token, for tests of a driver's protocol and for a token obtained elsewhere. */
export function staticAccessToken(token: string): AccessTokenSource {
  return { accessToken: async () => token, invalidate: () => undefined };
}
