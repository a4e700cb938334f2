import { useCallback, useEffect, useRef, useState, type ReactElement, type ReactNode } from 'react';
import type { AccountSummary } from '../../../../common/domain/mail.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { ConfirmDialog } from '../../../../ui/ConfirmDialog.js';
import { CheckIcon } from '../../../../ui/icons.js';
import { call } from '../../api/call.js';
import { MailIcon } from '../../components/icons.js';
import { accountFixFrom, editAccountHref, hashParam, hrefFor } from '../../frame/routes.js';
import { useHashParam } from '../../hooks/useHashRoute.js';
import { KIND_LABELS, SECURITY_LABELS } from './accountCopy.js';
import { AddImapAccountForm } from './AddImapAccountForm.js';
import { EditImapAccountForm } from './EditImapAccountForm.js';
import { ListStates } from './ListStates.js';
import { OAuthConnectPanel, useOAuthFlow } from './OAuthConnect.js';

type ListState =
  | { status: 'loading' }
  | { status: 'error'; error: AppErrorShape }
  | { status: 'loaded'; accounts: AccountSummary[]; needsReconnect: ReadonlySet<string> };

type Removal =
  | { kind: 'idle' }
  | { kind: 'confirming'; account: AccountSummary }
  | { kind: 'removing'; account: AccountSummary }
  | { kind: 'removed'; email: string }
  | { kind: 'error'; email: string; error: AppErrorShape };

/**
 * The connected mailboxes, with Edit and Remove, and the form that adds an IMAP one. Which account
 * is being edited lives in the hash ('#/settings?edit=<id>'), so the Sync page can link to it.
 */
export function MailAccountsSection(): ReactElement {
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [removal, setRemoval] = useState<Removal>({ kind: 'idle' });
  // The account whose changes were just saved: its row says so until the next edit or removal.
  const [savedId, setSavedId] = useState<string | null>(null);
  const editingId = useHashParam('edit');
  const fix = accountFixFrom(useHashParam('fix'));
  const title = useRef<HTMLHeadingElement>(null);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const oauth = useOAuthFlow(reload);

  useEffect(() => {
    let current = true;
    void Promise.all([call('accounts.list', {}), call('sync.status', {})]).then(([result, health]) => {
      if (!current) return;
      // Gmail / Microsoft 365 accounts whose grant was revoked or expired: the sync says AUTH.
      const needsReconnect = new Set(
        health.ok ? health.value.filter((a) => a.lastError?.code === 'AUTH').map((a) => a.accountId) : [],
      );
      setList(
        result.ok
          ? { status: 'loaded', accounts: result.value, needsReconnect }
          : { status: 'error', error: result.error },
      );
    });
    return () => {
      current = false;
    };
  }, [attempt]);

  useEffect(() => {
    // The removed row (and its button, which had focus) is gone: land on the section instead.
    if (removal.kind === 'removed' || removal.kind === 'error') title.current?.focus();
  }, [removal.kind]);

  const remove = async (account: AccountSummary): Promise<void> => {
    setRemoval({ kind: 'removing', account });
    const result = await call('accounts.remove', { id: account.id });
    if (result.ok) {
      // Gone for sure: no need to show its row until the list below has reloaded.
      setList((current) =>
        current.status === 'loaded'
          ? { ...current, accounts: current.accounts.filter((item) => item.id !== account.id) }
          : current,
      );
    }
    setRemoval(
      result.ok
        ? { kind: 'removed', email: account.email }
        : { kind: 'error', email: account.email, error: result.error },
    );
    setAttempt((n) => n + 1);
  };

  // Replace, not push: opening and closing the form should not fill Back with steps.
  const openEdit = (account: AccountSummary): void => {
    setSavedId(null);
    if (removal.kind === 'removed' || removal.kind === 'error') setRemoval({ kind: 'idle' });
    window.location.replace(editAccountHref(account.id));
  };
  const closeEdit = (accountId: string): void => {
    // Only if that form is still the one open: a slow save must not pull the user back from elsewhere.
    if (hashParam(window.location.hash, 'edit') === accountId) window.location.replace(hrefFor('settings'));
  };
  const saved = (account: AccountSummary): void => {
    setSavedId(account.id);
    setAttempt((n) => n + 1);
    closeEdit(account.id);
  };

  const confirming = removal.kind === 'confirming' ? removal.account : null;

  return (
    <section className="card settings-card" aria-labelledby="settings-accounts-title" data-testid="settings-accounts">
      <h2 className="card-title" id="settings-accounts-title" tabIndex={-1} ref={title}>
        Mail accounts
      </h2>
      <p className="text-secondary card-intro">
        Clientele copies the mail of these mailboxes into this encrypted profile, on this computer, and keeps it up to
        date. Progress and problems show on the <a href={hrefFor('sync')}>Sync</a> page.
      </p>

      <ListStates
        list={list}
        empty={list.status === 'loaded' && list.accounts.length === 0}
        loadingLabel="Loading mail accounts"
        errorTitle="Mail accounts could not be loaded"
        errorTestId="settings-accounts-error"
        emptyTestId="settings-accounts-empty"
        onRetry={() => setAttempt((n) => n + 1)}
      >
        No mailbox is connected yet. Add one below to fill your timeline.
      </ListStates>
      {list.status === 'loaded' && list.accounts.length > 0 ? (
        <ul className="account-list">
          {list.accounts.map((account) => {
            const editing = account.kind === 'imap' && account.id === editingId;
            return (
              <AccountRow
                key={account.id}
                account={account}
                editing={editing}
                saved={savedId === account.id}
                removing={removal.kind === 'removing' && removal.account.id === account.id}
                needsReconnect={account.kind !== 'imap' && list.needsReconnect.has(account.id)}
                reconnectDisabled={oauth.state.kind === 'starting' || oauth.state.kind === 'waiting'}
                onReconnect={() =>
                  account.kind !== 'imap' &&
                  oauth.start({ provider: account.kind, accountId: account.id, email: account.email })
                }
                onEdit={() => (editing ? closeEdit(account.id) : openEdit(account))}
                onRemove={() => {
                  setSavedId(null);
                  setRemoval({ kind: 'confirming', account });
                }}
              >
                {editing ? (
                  // A new link from the Sync page (another fix) opens the form afresh.
                  <EditImapAccountForm
                    key={fix ?? 'edit'}
                    account={account}
                    fix={fix}
                    onSaved={saved}
                    onCancel={() => closeEdit(account.id)}
                  />
                ) : null}
              </AccountRow>
            );
          })}
        </ul>
      ) : null}

      {removal.kind === 'removed' ? (
        <Alert tone="success" testId="settings-account-removed">
          <p>
            {removal.email} was removed, and its synced mail deleted from this computer. The mailbox itself is
            unchanged.
          </p>
        </Alert>
      ) : null}
      {removal.kind === 'error' ? (
        <Alert tone="error" title={`${removal.email} was not removed`} testId="settings-account-remove-error">
          <p>{removal.error.message}</p>
        </Alert>
      ) : null}

      <hr className="divider divider-tight" />
      <OAuthConnectPanel flow={oauth} />

      <hr className="divider divider-tight" />
      <AddImapAccountForm onAdded={() => window.location.assign(hrefFor('sync'))} />

      <ConfirmDialog
        open={confirming !== null}
        title={`Remove ${confirming?.email ?? 'this account'}?`}
        confirmLabel="Remove account"
        danger
        onConfirm={() => {
          if (confirming) void remove(confirming);
        }}
        onCancel={() => setRemoval({ kind: 'idle' })}
      >
        <p>
          Clientele stops syncing this mailbox and deletes the mail it synced from this computer, along with the saved
          password.
        </p>
        <p>
          Nothing is deleted from the server: the mail stays in the mailbox, and you can connect it again at any time.
        </p>
      </ConfirmDialog>
    </section>
  );
}

function AccountRow({
  account,
  editing,
  saved,
  removing,
  needsReconnect,
  reconnectDisabled,
  onReconnect,
  onEdit,
  onRemove,
  children,
}: {
  account: AccountSummary;
  editing: boolean;
  saved: boolean;
  removing: boolean;
  /** A Gmail / Microsoft 365 account whose access was revoked or expired (sync error AUTH). */
  needsReconnect: boolean;
  reconnectDisabled: boolean;
  onReconnect: () => void;
  onEdit: () => void;
  onRemove: () => void;
  /** The edit form, below the row while it is open. */
  children: ReactNode;
}): ReactElement {
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(editing);
  const formId = `edit-account-of-${account.id}`;

  useEffect(() => {
    // The form closed (Cancel, Save, Back) and took focus with it: back to its Edit button. Not
    // when focus went somewhere on purpose, such as another row's Edit.
    const dropped = document.activeElement === null || document.activeElement === document.body;
    if (wasEditing.current && !editing && dropped) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  const server = account.host ? [account.port ? `${account.host}:${account.port}` : account.host] : [];
  const security = account.security ? [SECURITY_LABELS[account.security]] : [];
  const reconnect = needsReconnect ? ['Access revoked or expired: reconnect to resume syncing'] : [];
  const details = [KIND_LABELS[account.kind], ...server, ...security, ...reconnect].join(' · ');
  return (
    <li className="account-item">
      <div className="account-row" data-testid={`account-row-${account.email}`}>
        <span className="setting-row-icon">
          <MailIcon size={18} />
        </span>
        <div className="account-row-text">
          <p className="account-row-email">
            {account.email}
            {account.displayName && account.displayName !== account.email ? (
              <span className="account-row-name"> · {account.displayName}</span>
            ) : null}
          </p>
          <p className="text-secondary account-row-details">{details}</p>
        </div>
        <span className="save-status" role="status" data-testid={saved ? 'edit-account-saved' : undefined}>
          {saved ? (
            <>
              <CheckIcon size={16} /> Saved
            </>
          ) : null}
        </span>
        {needsReconnect ? (
          <button
            type="button"
            className="btn btn-primary btn-small"
            disabled={reconnectDisabled}
            onClick={onReconnect}
            aria-label={`Reconnect ${account.email}`}
            data-testid={`account-reconnect-${account.email}`}
          >
            Reconnect
          </button>
        ) : null}
        {account.kind === 'imap' ? (
          <button
            type="button"
            ref={editButton}
            className="btn btn-secondary btn-small"
            aria-expanded={editing}
            aria-controls={editing ? formId : undefined}
            onClick={onEdit}
            aria-label={`Edit ${account.email}`}
            data-testid={`account-edit-${account.email}`}
          >
            Edit
          </button>
        ) : null}
        <button
          type="button"
          className="btn btn-secondary btn-small"
          disabled={removing}
          onClick={onRemove}
          aria-label={`Remove ${account.email}`}
          data-testid={`account-remove-${account.email}`}
        >
          {removing ? 'Removing…' : 'Remove'}
        </button>
      </div>
      {children ? <div id={formId}>{children}</div> : null}
    </li>
  );
}
