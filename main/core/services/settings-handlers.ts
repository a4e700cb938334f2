import type { SyncEngine } from '../../sync/sync-engine.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type SettingsHandlers = Pick<Handlers, 'settings.get' | 'settings.update'>;

export function settingsHandlers(profiles: ProfileManager, engine: SyncEngine): SettingsHandlers {
  return {
    'settings.get': async () => profiles.requireStore().settings.read(),
    'settings.update': async (patch) => {
      const settings = profiles.requireStore().settings;
      const before = settings.read().backfillMonths;
      const saved = settings.update(patch);
      // A wider window is filled in by the next pass of each folder: run it now, not at the next poll.
      if (saved.backfillMonths !== before) engine.syncWindowChanged();
      return saved;
    },
  };
}
