import { AppError } from '../../../common/errors.js';
import { OAuthProvider } from '../../../common/domain/mail.js';
import type { AccountRecord } from '../../store/repositories/accounts-repository.js';
import type { Logger } from '../../util/logger.js';
import type { AccessTokenSource } from './access-token.js';
import { providerConfig, type OAuthOptions } from './options.js';
import { OAuthTokenSource, type SecretStore } from './token-source.js';

/**
 * The AccessTokenSource a Gmail or Graph driver gets for its account (what createDriverFor
 * passes to the driver). Fails with AUTH when the account was connected through another OAuth
 * client than the one configured now: its refresh token is bound to that client.
 */
export function accountTokenSource(
  account: AccountRecord,
  secrets: SecretStore,
  log: Logger,
  options: OAuthOptions = {},
): AccessTokenSource {
  const provider = OAuthProvider.parse(account.kind);
  const config = providerConfig(provider, options);
  const connectedWith = account.config.clientId;
  if (typeof connectedWith === 'string' && connectedWith !== config.clientId) {
    throw new AppError(
      'AUTH',
      `${account.email} was connected through another ${config.label} OAuth app than the one configured now. Reconnect it.`,
    );
  }
  // One source per account and store: the sync's driver and an attachment download share one
  // refresh (and a rotated refresh token is never raced by a second refresh).
  let perAccount = shared.get(secrets);
  if (!perAccount) shared.set(secrets, (perAccount = new Map<string, OAuthTokenSource>()));
  const key = `${account.id} ${config.clientId} ${config.tokenEndpoint}`;
  let source = perAccount.get(key);
  if (!source) perAccount.set(key, (source = new OAuthTokenSource({ accountId: account.id, config, secrets, log })));
  return source;
}

const shared = new WeakMap<SecretStore, Map<string, OAuthTokenSource>>();
