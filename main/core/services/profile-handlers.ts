import type { ProfileManager } from '../profile/profile-manager.js';
import type { Handlers } from '../api/handlers.js';

type ProfileHandlers = Pick<
  Handlers,
  'app.state' | 'profile.create' | 'profile.unlock' | 'profile.recover' | 'profile.rotateRecoveryKey'
>;

export function profileHandlers(profiles: ProfileManager): ProfileHandlers {
  return {
    'app.state': async () => profiles.state(),
    'profile.create': async ({ displayName }) => profiles.create(displayName),
    'profile.unlock': async () => profiles.unlock(),
    'profile.recover': async ({ recoveryKey }) => profiles.recover(recoveryKey),
    'profile.rotateRecoveryKey': async () => ({ recoveryKey: await profiles.rotateRecoveryKey() }),
  };
}
