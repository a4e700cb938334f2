import type { ReactElement } from 'react';
import type { GrantView } from '../../../../../common/api/server-grants.js';
import { formatDate } from '../../lib/format.js';
import { permissionLabel, SCOPES, STATUS_BADGES } from './grant-labels.js';

/** When a request ended: decided (denied), or ended (withdrawn, revoked, run out). */
function endedAt(grant: GrantView): string | null {
  return grant.endedAt ?? grant.decidedAt;
}

/** Requests that ended, most recent first: denied, withdrawn, revoked, run out; with the note given. */
export function PastGrants({ grants, selfId }: { grants: GrantView[]; selfId: string }): ReactElement {
  if (grants.length === 0) {
    return (
      <p className="text-secondary grants-empty" data-testid="grants-past-empty">
        Nothing has ended yet.
      </p>
    );
  }
  return (
    <div className="table-card card">
      <table className="table grants-table" data-testid="grants-past">
        <thead>
          <tr>
            <th scope="col">Who</th>
            <th scope="col">Asked for</th>
            <th scope="col">Outcome</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {grants.map((grant) => {
            const badge = STATUS_BADGES[grant.status];
            const ended = endedAt(grant);
            return (
              <tr key={grant.id} data-testid="grant-past" data-grant-id={grant.id} data-status={grant.status}>
                <td className="cell-primary break-anywhere">{grant.userEmail}</td>
                <td>
                  {permissionLabel(grant)}
                  <span className="cell-sub">{SCOPES[grant.scope]}</span>
                </td>
                <td>
                  <span className={`badge badge-inline ${badge.tone}`}>{badge.label}</span>
                  <span className="cell-sub">
                    {ended ? formatDate(ended) : null}
                    {grant.status === 'denied' && grant.decidedBy === selfId ? ', by you' : ''}
                  </span>
                </td>
                <td className="grant-reason">{grant.note ?? <span className="text-tertiary">—</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
