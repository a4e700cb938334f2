import { localOwnerPolicy, type Policy } from '../../common/rbac/permissions.js';
import type { PolicySource } from '../core/api/dispatcher.js';
import type { ProfileManager } from '../core/profile/profile-manager.js';

/**
 * The policy of a profile not enrolled with a team server: its owner may do everything.
 * Enrollment (team server issue) replaces this with the server-signed policy.
 */
export class LocalPolicySource implements PolicySource {
  constructor(private readonly profiles: ProfileManager) {}

  current(): Policy {
    this.profiles.requireStore();
    return localOwnerPolicy(this.profiles.requireProfile().id);
  }
}
