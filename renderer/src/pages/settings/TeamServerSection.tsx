import { useCallback, useEffect, useState, type ReactElement } from 'react';
import type { PolicyRefreshResult, TeamStatus } from '../../../../common/api/team.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { Spinner } from '../../../../ui/Spinner.js';
import { call } from '../../api/call.js';
import { formatAbsolute } from '../../lib/format.js';
import { usePolicy } from '../../policy/PolicyProvider.js';
import { TeamEnrollForm } from './TeamEnrollForm.js';
import { TeamGrantsPanel } from './TeamGrantsPanel.js';

type Load = { kind: 'loading' } | { kind: 'loaded'; status: TeamStatus } | { kind: 'error'; error: AppErrorShape };

/**
 * Settings → Team server (issue 7): the enrollment form while the profile is solo; once enrolled, the
 * server, user, pinned workspace key, the policy's version and expiry, "Refresh policy", and the
 * user's just-in-time access requests.
 */
export function TeamServerSection(): ReactElement {
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const { policy: policyInForce, reload: reloadPolicy } = usePolicy();

  // Bumped to read team.status again (after a refresh, or Retry).
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((count) => count + 1), []);

  useEffect(() => {
    let current = true;
    void call('team.status', {}).then((result) => {
      if (!current) return;
      setLoad(result.ok ? { kind: 'loaded', status: result.value } : { kind: 'error', error: result.error });
    });
    return () => {
      current = false;
    };
    // Read again whenever the policy in force was re-read (a fetched policy, announced by
    // policy.changed), so the version and "Last fetched" shown follow it.
  }, [version, policyInForce]);

  const enrolled = (status: TeamStatus): void => {
    setLoad({ kind: 'loaded', status });
    // The profile now runs on the server's policy: what the UI offers changes at once.
    reloadPolicy();
  };

  return (
    <section className="card settings-card" aria-labelledby="settings-team-title" data-testid="settings-team">
      <h2 className="card-title" id="settings-team-title">
        Team server
      </h2>
      {load.kind === 'loading' ? <Spinner label="Loading the team server link" /> : null}
      {load.kind === 'error' ? (
        <Alert tone="error" title="The team server link could not be read" testId="team-status-error">
          <p>{load.error.message}</p>
          <button type="button" className="btn btn-secondary btn-small" onClick={reload}>
            Retry
          </button>
        </Alert>
      ) : null}
      {load.kind === 'loaded' && !load.status.enrolled ? <TeamEnrollForm onEnrolled={enrolled} /> : null}
      {load.kind === 'loaded' && load.status.enrolled ? (
        <EnrolledView
          status={load.status}
          onRefreshed={() => {
            reload();
            reloadPolicy();
          }}
        />
      ) : null}
    </section>
  );
}

function EnrolledView({ status, onRefreshed }: { status: TeamStatus; onRefreshed: () => void }): ReactElement {
  const [refreshing, setRefreshing] = useState(false);
  const [outcome, setOutcome] = useState<PolicyRefreshResult | AppErrorShape | null>(null);
  const refresh = async (): Promise<void> => {
    setRefreshing(true);
    const result = await call('team.refreshPolicy', {});
    setRefreshing(false);
    setOutcome(result.ok ? result.value : result.error);
    onRefreshed();
  };
  const policy = status.policy;
  return (
    <>
      <p className="text-secondary">
        This profile follows the roles your team server assigns: what you may see and do is decided by the policy it
        signed, checked with the workspace key pinned when you enrolled.
      </p>
      <dl className="team-facts" data-testid="team-facts">
        <dt>Server</dt>
        <dd data-testid="team-server-url">{status.serverUrl}</dd>
        <dt>User</dt>
        <dd data-testid="team-user">{status.userId}</dd>
        <dt>Workspace key</dt>
        <dd data-testid="team-fingerprint">
          <code>{status.workspaceFingerprint}</code>
        </dd>
        <dt>Policy</dt>
        <dd data-testid="team-policy-version">{policy ? `version ${policy.version}` : 'none received yet'}</dd>
        {policy ? (
          <>
            <dt>Expires</dt>
            <dd data-testid="team-policy-expires">{formatAbsolute(policy.expiresAt)}</dd>
            <dt>Last fetched</dt>
            <dd data-testid="team-policy-received">{formatAbsolute(policy.receivedAt)}</dd>
            <dt>Works offline until</dt>
            <dd data-testid="team-policy-offline-until">
              {formatAbsolute(policy.worksOfflineUntil)} (expiry + {policy.offlineGraceHours} h grace; then read-only
              until the server is reached)
            </dd>
          </>
        ) : null}
      </dl>
      <button
        type="button"
        className="btn btn-secondary"
        disabled={refreshing}
        onClick={() => void refresh()}
        data-testid="team-refresh-policy"
      >
        {refreshing ? 'Refreshing…' : 'Refresh policy'}
      </button>
      {outcome ? <RefreshOutcome outcome={outcome} /> : null}
      <TeamGrantsPanel />
    </>
  );
}

function RefreshOutcome({ outcome }: { outcome: PolicyRefreshResult | AppErrorShape }): ReactElement {
  if ('code' in outcome) {
    return (
      <Alert tone="error" title="The policy was not refreshed" testId="team-refresh-result">
        <p>{outcome.message}</p>
      </Alert>
    );
  }
  switch (outcome.outcome) {
    case 'updated':
      return (
        <Alert tone="success" testId="team-refresh-result">
          <p>Policy version {outcome.version} is now in force.</p>
        </Alert>
      );
    case 'not-modified':
      return (
        <Alert tone="success" testId="team-refresh-result">
          <p>The policy in force is current.</p>
        </Alert>
      );
    case 'rejected':
      return (
        <Alert
          tone="error"
          title="The server's policy was refused; the previous one stays"
          testId="team-refresh-result"
        >
          <p>{outcome.message}</p>
        </Alert>
      );
    case 'failed':
      return (
        <Alert tone="warning" title="The team server could not be reached" testId="team-refresh-result">
          <p>{outcome.message} The policy in force stays until it expires.</p>
        </Alert>
      );
    case 'not-enrolled':
      return (
        <Alert tone="warning" testId="team-refresh-result">
          <p>This profile has no team server session; enroll again.</p>
        </Alert>
      );
  }
}
