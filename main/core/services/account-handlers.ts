import { randomUUID } from 'node:crypto';
import { AppError } from '../../../common/errors.js';
import { toSummary, type AccountRecord } from '../../store/repositories/accounts-repository.js';
import type { OAuthOptions } from '../../sync/oauth/options.js';
import { revokeStoredGrant } from '../../sync/oauth/revoke.js';
import { oauthSecretName } from '../../sync/oauth/token-source.js';
import { createDriverFor, passwordSecretName, type SyncEngine } from '../../sync/sync-engine.js';
import type { Logger } from '../../util/logger.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type AccountHandlers = Pick<Handlers, 'accounts.list' | 'accounts.addImap' | 'accounts.updateImap' | 'accounts.remove'>;

export function accountHandlers(
  profiles: ProfileManager,
  engine: SyncEngine,
  log: Logger,
  oauth: OAuthOptions = {},
): AccountHandlers {
  return {
    'accounts.list': async () => profiles.requireStore().accounts.list().map(toSummary),

    'accounts.addImap': async (input) => {
      const store = profiles.requireStore();
      const email = input.email.toLowerCase();
      if (store.accounts.list().some((account) => account.email === email && account.kind === 'imap')) {
        throw new AppError('CONFLICT', `${email} is already connected.`);
      }
      const account: AccountRecord = {
        id: randomUUID(),
        kind: 'imap',
        email,
        displayName: input.displayName || email,
        config: {
          host: input.host,
          port: input.port,
          security: input.security,
          user: input.user,
          ...(input.caCertPem ? { caCertPem: input.caCertPem } : {}),
        },
        createdAt: new Date().toISOString(),
      };
      await verifyLogin(account, input.password, log);
      store.db.transaction(() => {
        store.accounts.insert(account);
        store.secrets.put(passwordSecretName(account.id), input.password);
      })();
      engine.accountAdded(account.id);
      return toSummary(account);
    },

    'accounts.updateImap': async ({ id, password, caCertPem, displayName, ...connection }) => {
      const store = profiles.requireStore();
      const current = store.accounts.get(id);
      if (!current || current.kind !== 'imap') throw new AppError('NOT_FOUND', 'No such IMAP account.');
      const config: Record<string, unknown> = { ...current.config, ...connection };
      if (caCertPem === null) delete config.caCertPem;
      else if (caCertPem !== undefined) config.caCertPem = caCertPem;
      const updated: AccountRecord = { ...current, displayName: displayName || current.displayName, config };
      const secret = password ?? store.secrets.get(passwordSecretName(id)) ?? '';
      await verifyLogin(updated, secret, log);
      store.db.transaction(() => {
        store.accounts.update(updated);
        store.secrets.put(passwordSecretName(id), secret);
      })();
      // The runner starts over with the new settings (and forgets the old error).
      await engine.accountChanged(id);
      return toSummary(updated);
    },

    'accounts.remove': async ({ id }) => {
      const store = profiles.requireStore();
      await engine.accountRemoved(id);
      // A Gmail / Microsoft 365 grant is revoked at the provider first (best effort, never blocking).
      const account = store.accounts.get(id);
      if (account && account.kind !== 'imap') await revokeStoredGrant(account, store.secrets, log, oauth);
      const removed = store.db.transaction(() => {
        store.secrets.delete(passwordSecretName(id));
        store.secrets.delete(oauthSecretName(id));
        return store.accounts.delete(id);
      })();
      return { removed };
    },
  };
}

/** Logs in once before saving: a wrong password, host or certificate is reported now, nothing is stored. */
async function verifyLogin(account: AccountRecord, password: string, log: Logger): Promise<void> {
  const driver = createDriverFor(account, password, { log });
  try {
    await driver.listFolders();
  } finally {
    await driver.close();
  }
}
