import { AppError } from '../../../common/errors.js';
import { folderProgress, type SyncEngine } from '../../sync/sync-engine.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type SyncHandlers = Pick<Handlers, 'sync.status' | 'sync.run' | 'sync.setFolderEnabled'>;

export function syncHandlers(profiles: ProfileManager, engine: SyncEngine): SyncHandlers {
  return {
    'sync.status': async () => {
      profiles.requireStore();
      return engine.status();
    },
    'sync.run': async ({ accountId, wait }) => {
      profiles.requireStore();
      await engine.run(accountId, wait);
      return engine.status();
    },
    // Off: the folder's pages stop (a running pass finishes the page in hand) and its stored mail
    // stays. On: synced from the next pass; a background sync runs one right away.
    'sync.setFolderEnabled': async ({ accountId, folderPath, enabled }) => {
      const store = profiles.requireStore();
      const account = store.accounts.get(accountId);
      if (!account) throw new AppError('NOT_FOUND', `No account ${accountId}.`);
      const folder = store.mail.setFolderSyncEnabled(accountId, folderPath, enabled);
      if (!folder) {
        throw new AppError(
          'NOT_FOUND',
          `${account.email} has no folder "${folderPath}" (folders are listed once the account has synced).`,
        );
      }
      if (enabled) engine.folderEnabled(accountId);
      else engine.folderDisabled(accountId);
      return folderProgress(store, folder);
    },
  };
}
