import { randomUUID } from 'node:crypto';
import { AppError } from '../../../common/errors.js';
import { toSummary, type AccountRecord } from '../../store/repositories/accounts-repository.js';
import { createDriverFor, passwordSecretName, type SyncEngine } from '../../sync/sync-engine.js';
import type { Logger } from '../../util/logger.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type AccountHandlers = Pick<Handlers, 'accounts.list' | 'accounts.addImap' | 'accounts.remove'>;

export function accountHandlers(profiles: ProfileManager, engine: SyncEngine, log: Logger): AccountHandlers {
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
      // Log in once before saving: a wrong password or host is reported now, and nothing is stored.
      const driver = createDriverFor(account, input.password, { log });
      try {
        await driver.listFolders();
      } finally {
        await driver.close();
      }
      store.db.transaction(() => {
        store.accounts.insert(account);
        store.secrets.put(passwordSecretName(account.id), input.password);
      })();
      engine.accountAdded(account.id);
      return toSummary(account);
    },

    'accounts.remove': async ({ id }) => {
      const store = profiles.requireStore();
      await engine.accountRemoved(id);
      const removed = store.db.transaction(() => {
        store.secrets.delete(passwordSecretName(id));
        return store.accounts.delete(id);
      })();
      return { removed };
    },
  };
}
