import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';
import type { PolicyFetcher } from '../../rbac/policy-fetcher.js';
import type { ServerPolicySource } from '../../rbac/server-policy-source.js';
import { enrollWithTeamServer, teamStatus } from '../../rbac/team-enrollment.js';
import { TeamGrants } from '../../rbac/team-grants.js';
import type { Logger } from '../../util/logger.js';

type TeamHandlers = Pick<
  Handlers,
  'team.enroll' | 'team.status' | 'team.refreshPolicy' | 'team.requestGrant' | 'team.listGrants' | 'team.cancelGrant'
>;

export function teamHandlers(
  profiles: ProfileManager,
  serverPolicies: ServerPolicySource,
  fetcher: PolicyFetcher,
  log: Logger,
  fetch?: typeof globalThis.fetch,
): TeamHandlers {
  const grants = new TeamGrants(() => profiles.requireStore(), fetch);
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
    'team.requestGrant': (input) => grants.request(input),
    'team.listGrants': () => grants.list(),
    'team.cancelGrant': async ({ id }) => {
      const cancelled = await grants.cancel(id);
      // Giving a grant back narrows the rights: fetch the policy that says so now, not at the next
      // interval (the fetcher keeps the policy in force whatever the outcome).
      await fetcher.fetchOnce();
      return cancelled;
    },
  };
}
