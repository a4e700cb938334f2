import { useCallback, useEffect, useState, type ReactElement } from 'react';
import type { GrantView } from '../../../../common/api/server-grants.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { Spinner } from '../../../../ui/Spinner.js';
import { call } from '../../api/call.js';
import { formatAbsolute } from '../../lib/format.js';
import { usePolicy } from '../../policy/PolicyProvider.js';
import { currentStatus, durationLabel, grantTitle, STATUS_BADGES } from './grantCopy.js';
import { TeamGrantRequestForm } from './TeamGrantRequestForm.js';

type Load =
  | { kind: 'loading' }
  /** `at`: when the list was read, the moment a status is judged at (an approved grant may have run out). */
  | { kind: 'loaded'; grants: GrantView[]; at: number }
  | { kind: 'error'; error: AppErrorShape };

/**
 * Just-in-time grants in Settings → Team server: the request form and the user's own requests with
 * their status and expiry. The list is read again whenever the policy in force changes (an approval
 * arrives as a new signed policy, announced by policy.changed), so "Waiting" turns into "Active"
 * just as the action appears in the app.
 */
export function TeamGrantsPanel(): ReactElement {
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((count) => count + 1), []);
  const { policy, reload: reloadPolicy } = usePolicy();

  useEffect(() => {
    let current = true;
    void call('team.listGrants', {}).then((result) => {
      if (!current) return;
      setLoad(
        result.ok ? { kind: 'loaded', grants: result.value, at: Date.now() } : { kind: 'error', error: result.error },
      );
    });
    return () => {
      current = false;
    };
  }, [version, policy]);

  return (
    <div className="team-grants" data-testid="team-grants">
      <TeamGrantRequestForm onRequested={reload} />
      <h3 className="settings-subtitle">My access requests</h3>
      {load.kind === 'loading' ? <Spinner label="Loading your access requests" /> : null}
      {load.kind === 'error' ? (
        <Alert tone="error" title="Your access requests could not be read" testId="grant-list-error">
          <p>{load.error.message}</p>
          <button type="button" className="btn btn-secondary btn-small" onClick={reload}>
            Retry
          </button>
        </Alert>
      ) : null}
      {load.kind === 'loaded' && load.grants.length === 0 ? (
        <p className="text-secondary" data-testid="grant-list-empty">
          No requests yet.
        </p>
      ) : null}
      {load.kind === 'loaded' && load.grants.length > 0 ? (
        <ul className="grant-list" data-testid="grant-list">
          {load.grants.map((grant) => (
            <GrantItem
              key={grant.id}
              grant={grant}
              now={load.at}
              onChanged={() => {
                reload();
                reloadPolicy();
              }}
            />
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function GrantItem({ grant, now, onChanged }: { grant: GrantView; now: number; onChanged: () => void }): ReactElement {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const status = currentStatus(grant, now);
  const badge = STATUS_BADGES[status];
  const cancel = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const result = await call('team.cancelGrant', { id: grant.id });
    setBusy(false);
    if (result.ok) onChanged();
    else setError(result.error.message);
  };
  return (
    <li className="grant-item" data-testid="grant-item" data-status={status}>
      <div className="grant-item-main">
        <p className="grant-item-title">
          {grantTitle(grant)}{' '}
          <span className={`badge ${badge.tone}`} data-testid="grant-status">
            {badge.label}
          </span>
        </p>
        <p className="grant-item-meta text-secondary" data-testid="grant-detail">
          {detailOf(grant, status)}
        </p>
        <p className="grant-item-reason text-secondary">“{grant.reason}”</p>
        {grant.note ? <p className="grant-item-reason">Note from the approver: {grant.note}</p> : null}
        {error ? <p className="field-error">{error}</p> : null}
      </div>
      {status === 'pending' || status === 'approved' ? (
        <button
          type="button"
          className="btn btn-secondary btn-small"
          disabled={busy}
          onClick={() => void cancel()}
          data-testid="grant-cancel"
        >
          {status === 'pending' ? 'Withdraw' : 'Give back'}
        </button>
      ) : null}
    </li>
  );
}

function detailOf(grant: GrantView, status: string): string {
  switch (status) {
    case 'pending':
      return `Asked ${formatAbsolute(grant.requestedAt)} for ${durationLabel(grant.requestedMinutes)}`;
    case 'approved':
      return `Until ${formatAbsolute(grant.expiresAt!)}`;
    case 'expired':
      return `Ran out ${formatAbsolute(grant.expiresAt ?? grant.endedAt ?? grant.requestedAt)}`;
    case 'denied':
      return `Denied ${formatAbsolute(grant.decidedAt ?? grant.requestedAt)}`;
    default:
      return `Ended ${formatAbsolute(grant.endedAt ?? grant.requestedAt)}`;
  }
}
