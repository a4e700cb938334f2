import { createContext, useCallback, useContext, useMemo, type ReactElement, type ReactNode } from 'react';
import { canCall } from '../../../common/api/can-call.js';
import type { CallName } from '../../../common/api/contract.js';
import type { PolicyView } from '../../../common/rbac/policy.js';
import { call } from '../api/call.js';
import { useAppEvent } from '../hooks/useAppEvent.js';
import { usePoll } from '../hooks/usePoll.js';

/**
 * How often the UI re-reads policy.get without being told: the policy.changed event covers new
 * policies, this covers what no event announces (a policy running past its expiry into the
 * read-only lock). policy.get is a local call, cheap.
 */
const POLICY_POLL_MS = 30_000;

export type PolicyControls = {
  /** The policy in force as policy.get last answered; null until the first answer. */
  policy: PolicyView | null;
  /** Re-read policy.get now (after enrolling or a manual refresh). */
  reload: () => void;
};

const PolicyContext = createContext<PolicyControls>({ policy: null, reload: () => undefined });

/** Loads the policy for the open app and keeps it current; one provider in the app frame. */
export function PolicyProvider({ children }: { children: ReactNode }): ReactElement {
  const load = useCallback(() => call('policy.get', {}), []);
  const { value, refresh } = usePoll(load, POLICY_POLL_MS);
  useAppEvent('policy.changed', refresh);
  const controls = useMemo(() => ({ policy: value, reload: refresh }), [value, refresh]);
  return <PolicyContext.Provider value={controls}>{children}</PolicyContext.Provider>;
}

export function usePolicy(): PolicyControls {
  return useContext(PolicyContext);
}

/**
 * Whether the UI should offer `name` (common/api/can-call.ts). Hiding is a courtesy: the core refuses
 * the call anyway.
 */
export function useCanCall(name: CallName): boolean {
  return canCall(usePolicy().policy, name);
}
