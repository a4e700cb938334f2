import type { ProfileManager } from '../profile/profile-manager.js';
import type { Handlers } from '../api/handlers.js';

type SettingsHandlers = Pick<Handlers, 'settings.get' | 'settings.update'>;

export function settingsHandlers(profiles: ProfileManager): SettingsHandlers {
  return {
    'settings.get': async () => profiles.requireStore().settings.read(),
    'settings.update': async (patch) => profiles.requireStore().settings.update(patch),
  };
}
