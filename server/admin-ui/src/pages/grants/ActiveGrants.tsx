import type { ReactElement } from 'react';
import type { GrantView } from '../../../../../common/api/server-grants.js';
import { formatDate } from '../../lib/format.js';
import type { Decision } from './GrantDecisionDialog.js';
import { durationLabel, permissionLabel, remainingLabel, SCOPES } from './grant-labels.js';

/** Grants in force for the people this approver reaches, with when each ends and Revoke. */
export function ActiveGrants({
  grants,
  selfId,
  now,
  onDecide,
}: {
  grants: GrantView[];
  selfId: string;
  now: number;
  onDecide: (decision: Decision, grant: GrantView) => void;
}): ReactElement {
  if (grants.length === 0) {
    return (
      <p className="text-secondary grants-empty" data-testid="grants-active-empty">
        No grant is in force.
      </p>
    );
  }
  return (
    <div className="table-card card">
      <table className="table grants-table" data-testid="grants-active">
        <thead>
          <tr>
            <th scope="col">Who</th>
            <th scope="col">May</th>
            <th scope="col">Ends</th>
            <th scope="col">Approved</th>
            <th scope="col">
              <span className="sr-only">Revoke</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {grants.map((grant) => (
            <tr key={grant.id} data-testid="grant-active" data-grant-id={grant.id}>
              <td className="cell-primary break-anywhere">{grant.userEmail}</td>
              <td>
                {permissionLabel(grant)}
                <span className="cell-sub">{SCOPES[grant.scope]}</span>
              </td>
              <td>
                {grant.expiresAt ? (
                  <>
                    <span className="cell-nowrap">{formatDate(grant.expiresAt)}</span>
                    <span className="cell-sub">{remainingLabel(grant.expiresAt, now)}</span>
                  </>
                ) : null}
              </td>
              <td>
                {grant.decidedAt ? formatDate(grant.decidedAt) : null}
                <span className="cell-sub">
                  {grant.decidedBy === selfId ? 'by you, ' : ''}for {durationLabel(grant.approvedMinutes ?? 0)}
                </span>
              </td>
              <td className="cell-actions">
                <button
                  type="button"
                  className="btn btn-secondary btn-small"
                  onClick={() => onDecide('revoke', grant)}
                  data-testid="grant-revoke"
                >
                  Revoke…
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
