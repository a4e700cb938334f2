import { AppError } from '../../common/errors.js';
import type { AccountRecord } from '../store/repositories/accounts-repository.js';
import type { Logger } from '../util/logger.js';
import { GmailDriver, gmailGovernor } from './drivers/gmail/gmail-driver.js';
import { GraphDriver, graphMailboxGovernor } from './drivers/graph/graph-driver.js';
import { ImapDriver, type ImapDriverOptions } from './drivers/imap/imap-driver.js';
import type { MailDriver } from './mail-driver.js';
import { accountTokenSource } from './oauth/account-token-source.js';
import { providerConfig, type OAuthOptions } from './oauth/options.js';
import type { SecretStore } from './oauth/token-source.js';
import type { RateGovernor } from './rate-governor.js';
import { ImapConfig } from './imap-config.js';

export type DriverFactoryOptions = { log: Logger; imap?: ImapDriverOptions; oauth?: OAuthOptions };

/** What a driver needs beyond the account: its secrets, and the mailbox's shared rate governor. */
export type DriverCredentials = {
  secrets: SecretStore;
  passwordSecret: string;
  /** One per mailbox for API providers: every driver of the mailbox spends from the same quota. */
  governor: () => RateGovernor;
};

/** The one place a provider's driver is chosen (Bitwarden-style: platform code behind a factory). */
export function createDriver(
  account: AccountRecord,
  credentials: DriverCredentials,
  options: DriverFactoryOptions,
): MailDriver {
  switch (account.kind) {
    case 'imap':
      return new ImapDriver(
        ImapConfig.parse(account.config),
        credentials.secrets.get(credentials.passwordSecret) ?? '',
        options.log,
        options.imap,
      );
    case 'gmail': {
      const tokens = accountTokenSource(account, credentials.secrets, options.log, options.oauth);
      const api = providerConfig('gmail', options.oauth).apiBaseUrl;
      return new GmailDriver({ tokens, rootUrl: withSlash(api), log: options.log, governor: credentials.governor() });
    }
    case 'graph': {
      const tokens = accountTokenSource(account, credentials.secrets, options.log, options.oauth);
      const api = providerConfig('graph', options.oauth).apiBaseUrl;
      return new GraphDriver({
        tokens,
        baseUrl: api.replace(/\/+$/, ''),
        log: options.log,
        governor: credentials.governor(),
      });
    }
    default:
      throw new AppError('NOT_FOUND', `Accounts of kind ${String(account.kind)} are not supported.`);
  }
}

/** A new rate governor with the provider's published per-mailbox limits (none for IMAP). */
export function mailboxGovernor(kind: AccountRecord['kind']): RateGovernor | null {
  if (kind === 'gmail') return gmailGovernor();
  if (kind === 'graph') return graphMailboxGovernor();
  return null;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
