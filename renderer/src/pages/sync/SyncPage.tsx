import type { ReactElement } from 'react';
import { Alert } from '../../../../ui/Alert.js';
import { EmptyState } from '../../../../ui/EmptyState.js';
import { Spinner } from '../../../../ui/Spinner.js';
import { call } from '../../api/call.js';
import { MailIcon } from '../../components/icons.js';
import { hrefFor } from '../../frame/routes.js';
import { useAppEvent } from '../../hooks/useAppEvent.js';
import { useNow } from '../../hooks/useNow.js';
import { usePoll } from '../../hooks/usePoll.js';
import { AccountSyncCard } from './AccountSyncCard.js';

/** The core announces every change (sync.changed); polling is only the safety net. */
const FALLBACK_POLL_MS = 30_000;
const loadStatus = () => call('sync.status', {});

/** Sync health and progress of every connected mailbox, refreshed as the core reports changes. */
export function SyncPage(): ReactElement {
  const { value: accounts, error, loaded, refresh } = usePoll(loadStatus, FALLBACK_POLL_MS);
  useAppEvent('sync.changed', refresh);
  const now = useNow();

  if (!loaded) {
    return (
      <div className="page" data-testid="page-sync">
        <div className="card card-loading">
          <Spinner label="Loading sync status" />
        </div>
      </div>
    );
  }

  if (accounts === null) {
    return (
      <div className="page" data-testid="page-sync">
        <Alert tone="error" title="The sync status could not be loaded" testId="sync-load-error">
          <p>{error?.message}</p>
          <button type="button" className="btn btn-secondary btn-small" onClick={refresh}>
            Retry
          </button>
        </Alert>
      </div>
    );
  }

  if (accounts.length === 0) {
    return (
      <div className="page" data-testid="page-sync">
        <EmptyState icon={<MailIcon size={24} />} title="No mailboxes connected" testId="sync-empty">
          <p>
            Clientele copies your mail into this encrypted profile, on this computer. Once a mailbox is connected, its
            sync progress and health will show here.
          </p>
          <a className="btn btn-primary empty-state-action" href={hrefFor('settings')} data-testid="sync-empty-connect">
            Connect a mailbox
          </a>
        </EmptyState>
      </div>
    );
  }

  return (
    <div className="page page-medium" data-testid="page-sync">
      {error ? (
        <Alert tone="warning" title="The sync status is not refreshing" testId="sync-stale">
          <p>{error.message} Showing the last known status; Clientele keeps trying.</p>
        </Alert>
      ) : null}
      {accounts.map((status) => (
        <AccountSyncCard key={status.accountId} status={status} now={now} onSyncRequested={refresh} />
      ))}
    </div>
  );
}
