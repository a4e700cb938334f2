import type { ReactElement } from 'react';
import type { GrantView } from '../../../../../common/api/server-grants.js';
import { formatDate } from '../../lib/format.js';
import type { Decision } from './GrantDecisionDialog.js';
import { durationLabel, permissionLabel, SCOPES } from './grant-labels.js';

/** Requests waiting for this approver: who asks for what, for how long and why, with Approve and Deny. */
export function PendingRequests({
  grants,
  onDecide,
}: {
  grants: GrantView[];
  onDecide: (decision: Decision, grant: GrantView) => void;
}): ReactElement {
  if (grants.length === 0) {
    return (
      <p className="text-secondary grants-empty" data-testid="grants-pending-empty">
        No request is waiting for you.
      </p>
    );
  }
  return (
    <div className="table-card card">
      <table className="table grants-table" data-testid="grants-pending">
        <thead>
          <tr>
            <th scope="col">Who</th>
            <th scope="col">Asks for</th>
            <th scope="col">For</th>
            <th scope="col">Reason</th>
            <th scope="col">
              <span className="sr-only">Decision</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {grants.map((grant) => (
            <tr key={grant.id} data-testid="grant-pending" data-grant-id={grant.id}>
              <td className="cell-primary">
                <span className="break-anywhere">{grant.userEmail}</span>
                <span className="cell-sub">asked {formatDate(grant.requestedAt)}</span>
              </td>
              <td>
                {permissionLabel(grant)}
                <span className="cell-sub">{SCOPES[grant.scope]}</span>
              </td>
              <td className="cell-nowrap">{durationLabel(grant.requestedMinutes)}</td>
              <td className="grant-reason">{grant.reason}</td>
              <td className="cell-actions">
                <button
                  type="button"
                  className="btn btn-primary btn-small"
                  onClick={() => onDecide('approve', grant)}
                  data-testid="grant-approve"
                >
                  Approve…
                </button>
                <button
                  type="button"
                  className="btn btn-secondary btn-small"
                  onClick={() => onDecide('deny', grant)}
                  data-testid="grant-deny"
                >
                  Deny…
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
