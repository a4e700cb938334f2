import { localOwnerPolicy, type Policy } from '../../common/rbac/permissions.js';
import type { PolicySource } from '../core/api/dispatcher.js';
import type { ProfileManager } from '../core/profile/profile-manager.js';
import type { ServerPolicySource } from './server-policy-source.js';

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

/**
 * What the core uses: the local owner's policy while the profile is not enrolled with a team server,
 * the server's signed policy once it is (checked on every call, so enrolling or leaving takes effect
 * at once).
 */
export class ProfilePolicySource implements PolicySource {
  private readonly local: LocalPolicySource;

  constructor(
    private readonly profiles: ProfileManager,
    private readonly server: ServerPolicySource,
  ) {
    this.local = new LocalPolicySource(profiles);
  }

  current(): Policy {
    const enrolled = this.profiles.requireStore().team.enrollment() !== null;
    return enrolled ? this.server.current() : this.local.current();
  }

  now(): number {
    return this.server.now();
  }
}
