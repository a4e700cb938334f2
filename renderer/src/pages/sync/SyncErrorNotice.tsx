import type { ReactElement } from 'react';
import type { AccountSyncStatus } from '../../../../common/domain/mail.js';
import type { ErrorCode } from '../../../../common/errors.js';
import { AlertIcon } from '../../../../ui/icons.js';
import { editAccountHref, hrefFor } from '../../frame/routes.js';
import { formatAbsolute, formatDuration, formatRelative, secondsUntil } from '../../lib/format.js';

/** When Clientele tries again: "in 12 s" while it counts down, with the clock time in a title. */
function RetryTime({ retryAt, now }: { retryAt: string | null; now: number }): ReactElement {
  const seconds = secondsUntil(retryAt, now);
  if (!retryAt || seconds === null) return <>shortly</>;
  return (
    <time dateTime={retryAt} title={formatAbsolute(retryAt)}>
      {seconds > 0 ? `in ${formatDuration(seconds)}` : 'now'}
    </time>
  );
}

type Advice = {
  title: string;
  action: ReactElement;
  /** Only the user can fix these: a link to the account's settings, opened where the fix is. */
  fix?: { label: string; href: string };
};

const PROVIDER_NAMES: Record<Exclude<AccountSyncStatus['kind'], 'imap'>, string> = {
  gmail: 'Gmail',
  graph: 'Microsoft 365',
};

function advice(code: ErrorCode, status: AccountSyncStatus, now: number): Advice {
  const retry = <RetryTime retryAt={status.retryAt} now={now} />;
  switch (code) {
    case 'AUTH':
      if (status.kind !== 'imap') {
        const provider = PROVIDER_NAMES[status.kind];
        return {
          title: `${provider} no longer accepts Clientele's access`,
          action: (
            <>
              The access was revoked or expired (a password change or a security check can do that). Reconnect the
              account: you sign in to {provider} again in your browser, and the mail already here stays.
            </>
          ),
          fix: { label: 'Reconnect', href: hrefFor('settings') },
        };
      }
      return {
        title: 'The server refused the user name or password',
        action: (
          <>
            If the password changed, type the new one in this account&apos;s settings. Clientele checks it before it
            saves it, then syncs again.
          </>
        ),
        fix: { label: 'Update the password', href: editAccountHref(status.accountId, 'password') },
      };
    case 'PERMISSION':
      return {
        title: "The server's certificate is not trusted",
        action: (
          <>
            Clientele did not send your password. If the server uses a private or self-signed certificate, add it to
            this account&apos;s settings under Advanced; otherwise check the server name there.
          </>
        ),
        fix: { label: 'Update the certificate', href: editAccountHref(status.accountId, 'certificate') },
      };
    case 'TEMPORARY':
      return {
        title: 'Clientele cannot reach the server',
        action: <>Clientele retries automatically: next attempt {retry}.</>,
      };
    case 'RATE_LIMIT':
      return {
        title: 'The server asked Clientele to slow down',
        action: <>Syncing resumes automatically {retry}.</>,
      };
    default:
      return {
        title: 'The last sync failed',
        action: status.retryAt ? <>Clientele retries automatically: next attempt {retry}.</> : <>Try Sync now.</>,
      };
  }
}

/**
 * The last failure and what to do about it. Not a live region: it stays on screen while polling
 * updates the countdown every second, and the card's status line already announces the state.
 */
export function SyncErrorNotice({ status, now }: { status: AccountSyncStatus; now: number }): ReactElement | null {
  const error = status.lastError;
  if (!error) return null;
  const { title, action, fix } = advice(error.code, status, now);
  // Network trouble and throttling fix themselves; a refused password or certificate does not.
  const tone = error.code === 'TEMPORARY' || error.code === 'RATE_LIMIT' ? 'warning' : 'error';
  return (
    <div className={`alert alert-${tone} sync-error`} data-testid={`sync-error-${status.email}`}>
      <span className="alert-icon">
        <AlertIcon size={16} />
      </span>
      <div className="alert-body">
        <p className="alert-title">{title}</p>
        <p>{action}</p>
        {fix ? (
          <p className="sync-error-actions">
            <a
              className="btn btn-secondary btn-small sync-error-fix"
              href={fix.href}
              data-testid={`sync-fix-${status.email}`}
            >
              {fix.label}
            </a>
          </p>
        ) : null}
        <p className="sync-error-detail">
          <code>{error.code}</code> {error.message}{' '}
          <time dateTime={error.at} title={formatAbsolute(error.at)}>
            ({formatRelative(error.at, now)})
          </time>
        </p>
      </div>
    </div>
  );
}
