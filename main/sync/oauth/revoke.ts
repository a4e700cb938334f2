import * as client from 'openid-client';
import { OAuthProvider } from '../../../common/domain/mail.js';
import type { AccountRecord } from '../../store/repositories/accounts-repository.js';
import type { Logger } from '../../util/logger.js';
import { clientConfiguration } from './oauth-client.js';
import { providerConfig, type OAuthOptions } from './options.js';
import { readTokenRecord, type SecretStore } from './token-source.js';

/**
 * Best effort, when an OAuth account is removed: tells the provider to revoke the grant
 * (RFC 7009; Google has a revocation endpoint, Microsoft has none for a single grant, so its
 * grant just stops being used). Never fails the removal: the user can also revoke it from
 * their account page. Returns whether the provider confirmed.
 */
export async function revokeStoredGrant(
  account: AccountRecord,
  secrets: SecretStore,
  log: Logger,
  options: OAuthOptions = {},
): Promise<boolean> {
  const provider = OAuthProvider.safeParse(account.kind);
  if (!provider.success) return false;
  try {
    const record = readTokenRecord(secrets, account.id);
    const config = providerConfig(provider.data, options);
    if (!record || !config.revocationEndpoint) return false;
    const configuration = clientConfiguration(config);
    configuration.timeout = 5;
    await client.tokenRevocation(configuration, record.refreshToken, { token_type_hint: 'refresh_token' });
    log.info({ accountId: account.id, provider: provider.data }, 'OAuth grant revoked at the provider');
    return true;
  } catch (error) {
    log.warn(
      { accountId: account.id, provider: provider.data, reason: (error as Error).message },
      'could not revoke the OAuth grant at the provider',
    );
    return false;
  }
}
