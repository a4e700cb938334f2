import type { SyncEngine } from '../../sync/sync-engine.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type SyncHandlers = Pick<Handlers, 'sync.status' | 'sync.run'>;

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
  };
}
