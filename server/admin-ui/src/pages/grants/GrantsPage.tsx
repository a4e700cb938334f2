import { useState, type ReactElement } from 'react';
import type { GrantView } from '../../../../../common/api/server-grants.js';
import { api } from '../../api/admin.js';
import { LoadState } from '../../components/LoadState.js';
import { useAutoRefresh } from '../../lib/useAutoRefresh.js';
import { useLoad } from '../../lib/useLoad.js';
import { ActiveGrants } from './ActiveGrants.js';
import { GrantDecisionDialog, type Decision } from './GrantDecisionDialog.js';
import { GRANTS_REFRESH_MS } from './grants-refresh.js';
import { durationLabel, permissionLabel } from './grant-labels.js';
import { PastGrants } from './PastGrants.js';
import { PendingRequests } from './PendingRequests.js';

/** What the status line says once a decision went through. */
function outcome(grant: GrantView): string {
  const what = permissionLabel(grant).toLowerCase();
  if (grant.status === 'approved') {
    return `Approved: ${grant.userEmail} may ${what} for ${durationLabel(grant.approvedMinutes ?? 0)}, from their app's next policy fetch.`;
  }
  if (grant.status === 'denied') return `Denied: ${grant.userEmail} was told, with your note if you wrote one.`;
  return `Revoked: ${grant.userEmail} may no longer ${what}, from their app's next policy fetch.`;
}

/**
 * Just-in-time access for approvers (users: edit over a team or everyone): the requests waiting for
 * them, the grants in force they may revoke, and the recently ended ones. The server lists only what
 * this user may decide, and judges each decision again.
 */
export function GrantsPage({ selfId }: { selfId: string }): ReactElement {
  const [pending, reloadPending] = useLoad(api.grantsPending);
  const [active, reloadActive] = useLoad(api.grantsActive);
  const [past, reloadPast] = useLoad(api.grantsHistory);
  const [open, setOpen] = useState<{ decision: Decision; grant: GrantView }>();
  const [status, setStatus] = useState<string>();
  // "Ends in ..." is counted from when the lists were read, not re-rendered every minute.
  const [now, setNow] = useState(() => Date.now());

  function reload(): void {
    setNow(Date.now());
    reloadPending();
    reloadActive();
    reloadPast();
  }
  // Not while a decision dialog is open: the grant it shows stays put under the approver's eyes.
  useAutoRefresh(reload, GRANTS_REFRESH_MS, open !== undefined);

  return (
    <div className="page" data-testid="page-grants">
      <div className="page-toolbar">
        <p className="text-secondary page-intro">
          People ask for a permission their roles don&apos;t give, for a while, from the Clientele app. Here are the
          requests of the people you manage that your own roles cover. An approved grant reaches their app at its next
          policy fetch and ends by itself. The lists refresh by themselves every 20 seconds.
        </p>
        <button type="button" className="btn btn-secondary" onClick={reload} data-testid="grants-refresh">
          Refresh
        </button>
      </div>
      <p className="save-status grants-status" role="status" data-testid="grants-status">
        {status ?? ''}
      </p>

      <section className="grants-section" aria-labelledby="grants-pending-title">
        <h2 className="section-title" id="grants-pending-title">
          Waiting for a decision
        </h2>
        <LoadState loaded={pending}>
          {(list) => <PendingRequests grants={list} onDecide={(decision, grant) => setOpen({ decision, grant })} />}
        </LoadState>
      </section>

      <section className="grants-section" aria-labelledby="grants-active-title">
        <h2 className="section-title" id="grants-active-title">
          In force
        </h2>
        <LoadState loaded={active}>
          {(list) => (
            <ActiveGrants
              grants={list}
              selfId={selfId}
              now={now}
              onDecide={(decision, grant) => setOpen({ decision, grant })}
            />
          )}
        </LoadState>
      </section>

      <section className="grants-section" aria-labelledby="grants-past-title">
        <h2 className="section-title" id="grants-past-title">
          Recently ended
        </h2>
        <LoadState loaded={past}>{(list) => <PastGrants grants={list} selfId={selfId} />}</LoadState>
      </section>

      {open ? (
        <GrantDecisionDialog
          key={`${open.decision}-${open.grant.id}`}
          decision={open.decision}
          grant={open.grant}
          onDone={(grant) => {
            setOpen(undefined);
            setStatus(outcome(grant));
            reload();
          }}
          onCancel={() => {
            setOpen(undefined);
            // A refusal often means the lists are stale (decided elsewhere, the team changed): read them again.
            reload();
          }}
        />
      ) : null}
    </div>
  );
}
