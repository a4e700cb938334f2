import { randomUUID } from 'node:crypto';
import type { AccountSummary, OAuthFlowStarted, OAuthProvider } from '../../../common/domain/mail.js';
import { AppError } from '../../../common/errors.js';
import { toSummary, type AccountRecord } from '../../store/repositories/accounts-repository.js';
import { defaultIdentify } from '../../sync/oauth/identify.js';
import { LoopbackFlow } from '../../sync/oauth/loopback-flow.js';
import { providerConfig, type OAuthOptions } from '../../sync/oauth/options.js';
import type { OAuthProviderConfig } from '../../sync/oauth/providers.js';
import { writeTokenRecord } from '../../sync/oauth/token-source.js';
import type { SyncEngine } from '../../sync/sync-engine.js';
import type { Logger } from '../../util/logger.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type OAuthHandlers = Pick<
  Handlers,
  'accounts.beginOAuth' | 'accounts.reconnectOAuth' | 'accounts.completeOAuth' | 'accounts.cancelOAuth'
>;

type PendingFlow = {
  flow: LoopbackFlow;
  config: OAuthProviderConfig;
  /** Set for a reconnect: the account whose tokens the flow replaces. */
  accountId: string | null;
  completing: Promise<AccountSummary> | null;
};

/** How long the outcome of a finished sign-in waits for its completeOAuth call. */
const OUTCOME_KEPT_MS = 2 * 60_000;

/** At most this many sign-ins wait at once; a new one beyond it cancels the oldest. */
const MAX_PENDING_FLOWS = 4;

/**
 * Connecting Gmail and Microsoft 365 accounts: beginOAuth starts a loopback flow and returns
 * the sign-in URL (opening the system browser when the core has an opener), completeOAuth
 * waits for the redirect, identifies the mailbox and saves the account with its tokens sealed.
 * Tokens never leave the core: the calls return the account summary only.
 */
export function oauthHandlers(
  profiles: ProfileManager,
  engine: SyncEngine,
  log: Logger,
  options: OAuthOptions = {},
): OAuthHandlers & { closeFlows: () => void } {
  const flows = new Map<string, PendingFlow>();

  const begin = async (provider: OAuthProvider, accountId: string | null): Promise<OAuthFlowStarted> => {
    const config = providerConfig(provider, options);
    const flow = await LoopbackFlow.start({
      config,
      log,
      ...(options.openBrowser ? { openBrowser: options.openBrowser } : {}),
      ...(options.flowTimeoutMs ? { timeoutMs: options.flowTimeoutMs } : {}),
    });
    const flowId = randomUUID();
    flows.set(flowId, { flow, config, accountId, completing: null });
    // A flow that ended before anyone called completeOAuth (the browser came back at once, or the
    // user denied access) keeps its outcome for a while, so the completeOAuth call still gets it.
    const forget = (): void => {
      const entry = flows.get(flowId);
      if (entry && !entry.completing) flows.delete(flowId);
    };
    const settled = (): void => void setTimeout(forget, OUTCOME_KEPT_MS).unref();
    flow.result.then(settled, settled);
    while (flows.size > MAX_PENDING_FLOWS) {
      const [oldestId, oldest] = flows.entries().next().value as [string, PendingFlow];
      oldest.flow.cancel('A newer sign-in replaced this one.');
      flows.delete(oldestId);
    }
    return {
      flowId,
      provider,
      authorizationUrl: flow.authorizationUrl,
      browserOpened: options.openBrowser !== undefined,
      expiresAt: new Date(flow.expiresAt).toISOString(),
    };
  };

  const complete = async (entry: PendingFlow): Promise<AccountSummary> => {
    const tokens = await entry.flow.result;
    const { config } = entry;
    const identify = options.identify?.[config.provider] ?? defaultIdentify[config.provider];
    const identity = await identify(tokens.accessToken, config);
    const email = identity.email.trim().toLowerCase();
    const store = profiles.requireStore();
    const accountConfig = { clientId: config.clientId, scope: tokens.scope };

    if (entry.accountId !== null) {
      const current = store.accounts.get(entry.accountId);
      if (!current || current.kind !== config.provider)
        throw new AppError('NOT_FOUND', 'This account no longer exists.');
      if (current.email !== email) {
        throw new AppError(
          'CONFLICT',
          `You signed in as ${email}, but this account is ${current.email}. Reconnect it by signing in as ${current.email}.`,
        );
      }
      const updated: AccountRecord = { ...current, config: { ...current.config, ...accountConfig } };
      store.db.transaction(() => {
        store.accounts.update(updated);
        writeTokenRecord(store.secrets, updated.id, tokens);
      })();
      log.info({ accountId: updated.id, provider: config.provider }, 'OAuth account reconnected');
      // The runner starts over with the new grant and forgets the AUTH error.
      await engine.accountChanged(updated.id);
      return toSummary(updated);
    }

    if (store.accounts.list().some((account) => account.email === email && account.kind === config.provider)) {
      throw new AppError('CONFLICT', `${email} is already connected. If it shows an AUTH error, use Reconnect.`);
    }
    const account: AccountRecord = {
      id: randomUUID(),
      kind: config.provider,
      email,
      displayName: identity.displayName?.trim() || email,
      config: accountConfig,
      createdAt: new Date().toISOString(),
    };
    store.db.transaction(() => {
      store.accounts.insert(account);
      writeTokenRecord(store.secrets, account.id, tokens);
    })();
    log.info({ accountId: account.id, provider: config.provider }, 'OAuth account connected');
    engine.accountAdded(account.id);
    return toSummary(account);
  };

  return {
    'accounts.beginOAuth': async ({ provider }) => {
      profiles.requireStore();
      return begin(provider, null);
    },

    'accounts.reconnectOAuth': async ({ accountId }) => {
      const account = profiles.requireStore().accounts.get(accountId);
      if (!account) throw new AppError('NOT_FOUND', 'No such account.');
      if (account.kind === 'imap') {
        throw new AppError('VALIDATION', 'IMAP accounts sign in with a password: change it with accounts.updateImap.');
      }
      return begin(account.kind, account.id);
    },

    'accounts.completeOAuth': async ({ flowId }) => {
      profiles.requireStore();
      const entry = flows.get(flowId);
      if (!entry)
        throw new AppError('NOT_FOUND', 'This sign-in is over (finished, cancelled or timed out). Start again.');
      // A retried call (the page reloaded, a second window) waits on the same completion.
      entry.completing ??= complete(entry).finally(() => flows.delete(flowId));
      return entry.completing;
    },

    'accounts.cancelOAuth': async ({ flowId }) => {
      const entry = flows.get(flowId);
      if (!entry) return { cancelled: false };
      const cancelled = !entry.flow.finished;
      entry.flow.cancel();
      if (!entry.completing) flows.delete(flowId);
      return { cancelled };
    },

    closeFlows: () => {
      for (const entry of flows.values()) entry.flow.cancel('Clientele is closing.');
      flows.clear();
    },
  };
}
