import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';
import type { PolicyFetcher } from '../../rbac/policy-fetcher.js';
import type { ServerPolicySource } from '../../rbac/server-policy-source.js';
import { enrollWithTeamServer, teamStatus } from '../../rbac/team-enrollment.js';
import type { Logger } from '../../util/logger.js';

type TeamHandlers = Pick<Handlers, 'team.enroll' | 'team.status' | 'team.refreshPolicy'>;

export function teamHandlers(
  profiles: ProfileManager,
  serverPolicies: ServerPolicySource,
  fetcher: PolicyFetcher,
  log: Logger,
  fetch?: typeof globalThis.fetch,
): TeamHandlers {
  return {
    'team.enroll': async (input) => {
      const store = profiles.requireStore();
      await enrollWithTeamServer(input, { store, serverPolicies, log, ...(fetch ? { fetch } : {}) });
      return teamStatus(store);
    },
    'team.status': async () => teamStatus(profiles.requireStore()),
    'team.refreshPolicy': async () => {
      profiles.requireStore();
      const outcome = await fetcher.fetchOnce();
      switch (outcome.kind) {
        case 'updated':
          return { outcome: outcome.kind, version: outcome.version, message: null };
        case 'rejected':
        case 'failed':
          return { outcome: outcome.kind, version: null, message: outcome.message };
        default:
          return { outcome: outcome.kind, version: null, message: null };
      }
    },
  };
}
