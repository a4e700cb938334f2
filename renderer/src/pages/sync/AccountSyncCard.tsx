import { useId, useState, type ReactElement } from 'react';
import type { AccountSyncStatus, FolderProgress } from '../../../../common/domain/mail.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { call } from '../../api/call.js';
import { MailIcon, SyncIcon } from '../../components/icons.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { hrefFor } from '../../frame/routes.js';
import {
  formatAbsolute,
  formatCount,
  formatDay,
  formatDuration,
  formatRate,
  formatRelative,
} from '../../lib/format.js';
import { SyncErrorNotice } from './SyncErrorNotice.js';
import { overallProgress, sortFolders, stateBadge } from './syncModel.js';

/** One mailbox: state, overall progress, last sync, last error, "Sync now" and every folder. */
export function AccountSyncCard({
  status,
  now,
  onSyncRequested,
}: {
  status: AccountSyncStatus;
  now: number;
  onSyncRequested: () => void;
}): ReactElement {
  const titleId = useId();
  const { email } = status;
  const badge = stateBadge(status, now);
  const { done, total } = overallProgress(status);
  const syncing = status.state === 'syncing';
  const [requesting, setRequesting] = useState(false);
  const [runError, setRunError] = useState<AppErrorShape | null>(null);
  const [folderError, setFolderError] = useState<{ path: string; enabled: boolean; error: AppErrorShape } | null>(null);

  const syncNow = async (): Promise<void> => {
    setRequesting(true);
    setRunError(null);
    const result = await call('sync.run', { accountId: status.accountId, wait: false });
    setRequesting(false);
    if (!result.ok) setRunError(result.error);
    onSyncRequested();
  };

  const setFolderEnabled = async (folder: FolderProgress, enabled: boolean): Promise<boolean> => {
    setFolderError(null);
    const result = await call('sync.setFolderEnabled', {
      accountId: status.accountId,
      folderPath: folder.path,
      enabled,
    });
    if (!result.ok) setFolderError({ path: folder.path, enabled, error: result.error });
    onSyncRequested();
    return result.ok;
  };

  // Before the first folder list arrives there is no total to measure against.
  const totalKnown = status.folders.some((folder) => folder.syncEnabled);
  const countText = `${formatCount(done)} of ${formatCount(total)}`;
  const speed: string[] = [];
  if (syncing && status.rate !== null && status.rate > 0) speed.push(formatRate(status.rate));
  if (syncing && status.etaSeconds !== null && status.etaSeconds > 0) {
    speed.push(`about ${formatDuration(status.etaSeconds)} left`);
  }

  return (
    <article className="card sync-card" aria-labelledby={titleId} data-testid={`sync-account-${email}`}>
      <header className="sync-card-header">
        <span className="sync-card-icon">
          <MailIcon size={18} />
        </span>
        <div className="sync-card-identity">
          <h2 className="sync-card-title" id={titleId}>
            {email}
          </h2>
          <p className="sync-card-meta">
            {status.lastSuccessAt ? (
              <>
                Last synced{' '}
                <time
                  dateTime={status.lastSuccessAt}
                  title={formatAbsolute(status.lastSuccessAt)}
                  data-testid={`sync-last-${email}`}
                >
                  {formatRelative(status.lastSuccessAt, now)}
                </time>
              </>
            ) : (
              'Not synced yet'
            )}
            <span aria-hidden="true"> · </span>
            {formatCount(status.messages)} {status.messages === 1 ? 'message' : 'messages'} on this computer
          </p>
          <p className="sync-card-meta" data-testid={`sync-window-${email}`}>
            {status.since === null ? 'The whole mailbox' : `Mail since ${formatDay(status.since)}`}
            {' · '}
            <a href={hrefFor('settings')}>change</a>
          </p>
        </div>
        <div className="sync-card-actions">
          <span className={`badge badge-${badge.tone}`} data-testid={`sync-state-${email}`}>
            <span className={syncing ? 'badge-dot badge-dot-pulse' : 'badge-dot'} aria-hidden="true" />
            {badge.label}
          </span>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            disabled={requesting || syncing}
            title={syncing ? 'Clientele is syncing this mailbox now' : undefined}
            onClick={() => void syncNow()}
            data-testid={`sync-now-${email}`}
          >
            <SyncIcon size={14} />
            Sync now
          </button>
        </div>
      </header>
      {/* Announced when the state changes; the visible badge above may also count down every second. */}
      <p className="sr-only" role="status">
        {`${email}: ${badge.label.replace(/, resuming in .*$/, '')}`}
      </p>

      <div className="sync-overall">
        <div className="sync-overall-line">
          {totalKnown ? (
            <span>
              <strong data-testid={`sync-count-${email}`}>{countText}</strong> messages
            </span>
          ) : (
            <span>{syncing ? 'Looking for folders…' : 'No folders found yet'}</span>
          )}
          {speed.length > 0 ? (
            <span className="sync-speed" data-testid={`sync-speed-${email}`}>
              {speed.join(' · ')}
            </span>
          ) : null}
        </div>
        {totalKnown || syncing ? (
          <ProgressBar
            value={done}
            max={totalKnown ? total : null}
            label={`Sync progress of ${email}`}
            valueText={totalKnown ? `${countText} messages` : 'Looking for folders'}
            tone={totalKnown && done >= total ? 'success' : 'accent'}
            testId={`sync-progress-${email}`}
          />
        ) : null}
      </div>

      {status.lastError ? <SyncErrorNotice status={status} now={now} /> : null}
      {runError ? (
        <Alert tone="error" title="Sync could not start" testId={`sync-run-error-${email}`}>
          <p>{runError.message}</p>
        </Alert>
      ) : null}

      {folderError ? (
        <Alert
          tone="error"
          title={`${folderError.path} could not be ${folderError.enabled ? 'turned on' : 'turned off'}`}
          testId={`sync-folder-error-${email}`}
        >
          <p>{folderError.error.message}</p>
        </Alert>
      ) : null}

      {status.folders.length > 0 ? (
        <section className="sync-folders" aria-label={`Folders of ${email}`}>
          <h3 className="sync-folders-title">Folders</h3>
          <ul className="folder-list">
            {sortFolders(status.folders).map((folder) => (
              <FolderRow
                key={folder.path}
                email={email}
                folder={folder}
                since={status.since}
                onToggle={setFolderEnabled}
              />
            ))}
          </ul>
        </section>
      ) : null}
    </article>
  );
}

function FolderRow({
  email,
  folder,
  since,
  onToggle,
}: {
  email: string;
  folder: FolderProgress;
  /** Where the sync window starts (AccountSyncStatus.since). */
  since: string | null;
  /** Resolves once the core answered; false when it refused (the card shows why). */
  onToggle: (folder: FolderProgress, enabled: boolean) => Promise<boolean>;
}): ReactElement {
  const testId = `sync-folder-${email}-${folder.path}`;
  // The state asked for, shown until the polled status agrees: no flicker back while it refreshes.
  const [pending, setPending] = useState<boolean | null>(null);
  // (Adjusted while rendering, as React advises for state derived from props: no extra effect pass.)
  if (pending !== null && folder.syncEnabled === pending) setPending(null);
  const enabled = pending ?? folder.syncEnabled;

  const toggle = async (next: boolean): Promise<void> => {
    if (pending !== null) return; // one change at a time (not disabled: that would drop keyboard focus)
    setPending(next);
    if (!(await onToggle(folder, next))) setPending(null);
  };
  const name = (
    <label className="folder-toggle" title={folder.path}>
      <input
        type="checkbox"
        checked={enabled}
        aria-busy={pending !== null}
        aria-label={`Sync ${folder.path}`}
        onChange={(event) => void toggle(event.target.checked)}
        data-testid={`sync-folder-toggle-${email}-${folder.path}`}
      />
      <span className="folder-path">{folder.path}</span>
    </label>
  );

  if (!enabled) {
    // Turning a folder off keeps what was copied from it: say so when there is any.
    const kept =
      folder.done > 0 ? `, ${formatCount(folder.done)} ${folder.done === 1 ? 'message' : 'messages'} kept` : '';
    return (
      <li className="folder-row folder-row-disabled" data-testid={testId}>
        {name}
        <span className="folder-note">not synced{kept}</span>
      </li>
    );
  }
  if (!folder.syncEnabled || (folder.total === 0 && !folder.lastSyncedAt)) {
    // Just turned on (or not reached yet by the first sync): nothing is known of it until a pass reaches it.
    return (
      <li className="folder-row folder-row-empty" data-testid={testId}>
        {name}
        <span className="folder-note">waiting to sync</span>
      </li>
    );
  }
  if (folder.total === 0 && folder.backfillComplete) {
    // Nothing to copy: a full bar would read as work done, an empty one as work left. With a window,
    // the folder may well hold older mail: "empty" would be wrong.
    return (
      <li className="folder-row folder-row-empty" data-testid={testId}>
        {name}
        <span className="folder-note">{since === null ? 'empty' : `nothing since ${formatDay(since)}`}</span>
      </li>
    );
  }
  const done = Math.min(folder.done, folder.total);
  const count = `${formatCount(done)} / ${formatCount(folder.total)}`;
  return (
    <li className="folder-row" data-testid={testId}>
      {name}
      <ProgressBar
        value={done}
        max={folder.total}
        size="small"
        tone={folder.backfillComplete ? 'success' : 'accent'}
        label={folder.path}
        valueText={`${formatCount(done)} of ${formatCount(folder.total)} messages${folder.backfillComplete ? '' : ', still filling'}`}
      />
      <span className="folder-count">{count}</span>
      <span className="folder-note">{folder.backfillComplete ? null : <span className="tag">filling</span>}</span>
    </li>
  );
}
