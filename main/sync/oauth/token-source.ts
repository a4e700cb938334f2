import { z } from 'zod';
import * as client from 'openid-client';
import { AppError } from '../../../common/errors.js';
import type { Logger } from '../../util/logger.js';
import type { AccessTokenSource } from './access-token.js';
import { clientConfiguration, mapTokenError, toTokens, type OAuthTokens } from './oauth-client.js';
import type { OAuthProviderConfig } from './providers.js';

/** The sealed secret that holds an OAuth account's tokens, as JSON {accessToken, refreshToken, expiresAt, scope}. */
export function oauthSecretName(accountId: string): string {
  return `account:${accountId}:oauth`;
}

const TokenRecord = z.object({
  accessToken: z.string(),
  refreshToken: z.string().min(1),
  expiresAt: z.number(),
  scope: z.string(),
});

/** Where the token record lives: the store's sealed secrets (SecretsRepository fits). */
export type SecretStore = {
  get(name: string): string | null;
  put(name: string, plaintext: string): void;
};

export function readTokenRecord(secrets: SecretStore, accountId: string): OAuthTokens | null {
  const raw = secrets.get(oauthSecretName(accountId));
  if (raw === null) return null;
  const parsed = TokenRecord.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : null;
}

export function writeTokenRecord(secrets: SecretStore, accountId: string, tokens: OAuthTokens): void {
  const record: OAuthTokens = {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: tokens.expiresAt,
    scope: tokens.scope,
  };
  secrets.put(oauthSecretName(accountId), JSON.stringify(record));
}

/** A token is refreshed when less than this is left. */
export const REFRESH_MARGIN_MS = 60_000;

export type OAuthTokenSourceOptions = {
  accountId: string;
  config: OAuthProviderConfig;
  secrets: SecretStore;
  log: Logger;
  now?: () => number;
};

/**
 * The AccessTokenSource of an OAuth account, backed by its sealed token record. It refreshes
 * when less than a minute is left or after invalidate(), persists what the provider returns
 * (sealed; a rotated refresh token replaces the old one), and shares one refresh among
 * concurrent callers. A revoked or expired grant (invalid_grant) is AUTH: the user must reconnect.
 */
export class OAuthTokenSource implements AccessTokenSource {
  private invalidated = false;
  private refreshing: Promise<string> | null = null;
  private configuration: client.Configuration | null = null;
  private readonly now: () => number;

  constructor(private readonly options: OAuthTokenSourceOptions) {
    this.now = options.now ?? Date.now;
  }

  async accessToken(): Promise<string> {
    if (this.refreshing) return this.refreshing;
    const record = this.record();
    if (!this.invalidated && record.expiresAt - this.now() > REFRESH_MARGIN_MS) return record.accessToken;
    this.refreshing = this.refresh(record).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  invalidate(): void {
    this.invalidated = true;
  }

  private record(): OAuthTokens {
    const record = readTokenRecord(this.options.secrets, this.options.accountId);
    if (!record) {
      throw new AppError('AUTH', `No ${this.options.config.label} sign-in is saved for this account. Reconnect it.`);
    }
    return record;
  }

  private async refresh(record: OAuthTokens): Promise<string> {
    const { config, log, accountId } = this.options;
    this.configuration ??= clientConfiguration(config);
    let tokens: OAuthTokens;
    try {
      const response = await client.refreshTokenGrant(this.configuration, record.refreshToken);
      tokens = toTokens(response, record, this.now());
    } catch (error) {
      const mapped = mapTokenError(error, config.label);
      log.warn(
        { accountId, provider: config.provider, code: mapped.code, details: mapped.details },
        'token refresh failed',
      );
      throw mapped;
    }
    writeTokenRecord(this.options.secrets, accountId, tokens);
    this.invalidated = false;
    log.debug(
      { accountId, provider: config.provider, rotated: tokens.refreshToken !== record.refreshToken },
      'access token refreshed',
    );
    return tokens.accessToken;
  }
}
