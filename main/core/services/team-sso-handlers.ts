import { randomUUID } from 'node:crypto';
import type { TeamStatus } from '../../../common/api/team.js';
import { AppError } from '../../../common/errors.js';
import type { ServerPolicySource } from '../../rbac/server-policy-source.js';
import { TeamServerClient } from '../../rbac/team-client.js';
import { enrollWithSession, teamStatus } from '../../rbac/team-enrollment.js';
import { TeamSsoFlow } from '../../rbac/team-sso-flow.js';
import { DEFAULT_FLOW_TIMEOUT_MS, type OpenBrowser } from '../../sync/oauth/loopback-flow.js';
import type { Logger } from '../../util/logger.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type TeamSsoHandlers = Pick<Handlers, 'team.ssoStatus' | 'team.enrollSso' | 'team.completeSso' | 'team.cancelSso'>;

export type TeamSsoOptions = {
  /** The system browser opener (the desktop app's; the same one Gmail/Microsoft sign-in uses). */
  openBrowser?: OpenBrowser;
  flowTimeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  /** Told of every enrollment that stored a policy (the UI re-reads what it may offer). */
  onEnrolled: (status: TeamStatus) => void;
};

/** How long the outcome of a finished sign-in waits for its completeSso call. */
const OUTCOME_KEPT_MS = 2 * 60_000;
/** At most this many sign-ins wait at once; a new one beyond it cancels the oldest. */
const MAX_PENDING_FLOWS = 4;

/**
 * Enrollment through the team server's single sign-on, in the shape of the Gmail/Microsoft calls:
 * team.enrollSso starts the loopback sign-in and returns the URL (opening the system browser when the
 * core has an opener), team.completeSso waits for it. The enrollment itself runs as soon as the
 * browser comes back (enrollWithSession, as for a password), so the tab can say how it ended.
 */
export function teamSsoHandlers(
  profiles: ProfileManager,
  serverPolicies: ServerPolicySource,
  log: Logger,
  options: TeamSsoOptions,
): TeamSsoHandlers & { closeFlows: () => void } {
  const flows = new Map<string, TeamSsoFlow<TeamStatus>>();

  return {
    'team.ssoStatus': async ({ serverUrl }) => {
      profiles.requireStore();
      return { ssoEnabled: await new TeamServerClient(serverUrl, options.fetch).ssoEnabled() };
    },

    'team.enrollSso': async (input) => {
      profiles.requireStore();
      const client = new TeamServerClient(input.serverUrl, options.fetch);
      const flow = await TeamSsoFlow.start({
        client,
        log,
        timeoutMs: options.flowTimeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS,
        ...(options.openBrowser ? { openBrowser: options.openBrowser } : {}),
        finish: async (login) => {
          const store = profiles.requireStore();
          await enrollWithSession(client, login, input, {
            store,
            serverPolicies,
            log,
            ...(options.fetch ? { fetch: options.fetch } : {}),
          });
          const status = await teamStatus(store);
          options.onEnrolled(status);
          return status;
        },
      });
      const flowId = randomUUID();
      flows.set(flowId, flow);
      // The outcome of a sign-in nobody asked about yet is kept a while, then forgotten.
      const settled = (): void => void setTimeout(() => flows.delete(flowId), OUTCOME_KEPT_MS).unref();
      flow.result.then(settled, settled);
      while (flows.size > MAX_PENDING_FLOWS) {
        const [oldestId, oldest] = flows.entries().next().value as [string, TeamSsoFlow<TeamStatus>];
        oldest.cancel('A newer sign-in replaced this one.');
        flows.delete(oldestId);
      }
      return {
        flowId,
        authorizationUrl: flow.authorizationUrl,
        browserOpened: options.openBrowser !== undefined,
        expiresAt: new Date(flow.expiresAt).toISOString(),
      };
    },

    'team.completeSso': async ({ flowId }) => {
      profiles.requireStore();
      const flow = flows.get(flowId);
      if (!flow)
        throw new AppError('NOT_FOUND', 'This sign-in is over (finished, cancelled or timed out). Start again.');
      return flow.result;
    },

    'team.cancelSso': async ({ flowId }) => {
      const flow = flows.get(flowId);
      if (!flow) return { cancelled: false };
      const cancelled = !flow.finished;
      flow.cancel();
      flows.delete(flowId);
      return { cancelled };
    },

    closeFlows: () => {
      for (const flow of flows.values()) flow.cancel('Clientele is closing.');
      flows.clear();
    },
  };
}
