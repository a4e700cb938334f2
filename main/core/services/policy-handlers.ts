import { viewOfPolicy } from '../../../common/rbac/policy.js';
import type { Handlers } from '../api/handlers.js';
import type { PolicySource } from '../api/dispatcher.js';

type PolicyHandlers = Pick<Handlers, 'policy.get'>;

export function policyHandlers(policies: PolicySource): PolicyHandlers {
  return {
    // current() throws PROFILE_LOCKED while the store is closed: a public call, but not before unlock.
    'policy.get': async () => viewOfPolicy(policies.current(), policies.now?.() ?? Date.now()),
  };
}
