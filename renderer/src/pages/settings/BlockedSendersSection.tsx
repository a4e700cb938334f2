import { useEffect, useState, type FormEvent, type ReactElement } from 'react';
import { normalizeBlockValue, type BlockEntry, type BlockKind } from '../../../../common/domain/blocklist.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { ConfirmDialog } from '../../../../ui/ConfirmDialog.js';
import { Field } from '../../../../ui/Field.js';
import { ShieldIcon } from '../../../../ui/icons.js';
import { call } from '../../api/call.js';
import { formatAbsolute } from '../../lib/format.js';
import { useCanCall } from '../../policy/PolicyProvider.js';
import { BlockConfirmDialog } from '../blocklist/BlockConfirmDialog.js';
import { messagesText, useBlockSender } from '../blocklist/useBlockSender.js';
import { ListStates } from './ListStates.js';

type ListState =
  { status: 'loading' } | { status: 'error'; error: AppErrorShape } | { status: 'loaded'; entries: BlockEntry[] };

type Unblock =
  | { step: 'idle' }
  | { step: 'confirming'; entry: BlockEntry }
  | { step: 'removing'; entry: BlockEntry }
  | { step: 'removed'; entry: BlockEntry; released: number }
  | { step: 'error'; entry: BlockEntry; error: AppErrorShape };

const KIND_OPTIONS: { value: BlockKind; label: string }[] = [
  { value: 'address', label: 'Address' },
  { value: 'domain', label: 'Domain' },
];

/** Blocked senders: their mail is deleted from this computer and new mail from them not copied. */
export function BlockedSendersSection(): ReactElement {
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [kind, setKind] = useState<BlockKind>('address');
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState<string | undefined>(undefined);
  const [unblock, setUnblock] = useState<Unblock>({ step: 'idle' });
  // Blocking deletes mail: neither blocking nor unblocking is offered to a role that may not.
  const canBlock = useCanCall('blocklist.add');
  const canUnblock = useCanCall('blocklist.remove');
  const block = useBlockSender(() => {
    setValue('');
    setAttempt((n) => n + 1);
  });

  useEffect(() => {
    let current = true;
    void call('blocklist.list', {}).then((result) => {
      if (!current) return;
      setList(result.ok ? { status: 'loaded', entries: result.value } : { status: 'error', error: result.error });
    });
    return () => {
      current = false;
    };
  }, [attempt]);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (normalizeBlockValue(kind, value) === null) {
      setInvalid(
        kind === 'address' ? 'Enter an email address, e.g. name@example.com.' : 'Enter a domain, e.g. example.com.',
      );
      return;
    }
    setInvalid(undefined);
    setUnblock({ step: 'idle' });
    void block.ask(kind, value);
  };

  const remove = async (entry: BlockEntry): Promise<void> => {
    setUnblock({ step: 'removing', entry });
    const result = await call('blocklist.remove', { id: entry.id });
    setUnblock(
      result.ok
        ? { step: 'removed', entry, released: result.value.released }
        : { step: 'error', entry, error: result.error },
    );
    setAttempt((n) => n + 1);
  };

  const confirming = unblock.step === 'confirming' ? unblock.entry : null;
  const busy = block.flow.step === 'previewing' || block.flow.step === 'blocking';

  return (
    <section className="card settings-card" aria-labelledby="settings-blocked-title" data-testid="settings-blocked">
      <h2 className="card-title" id="settings-blocked-title">
        Blocked senders
      </h2>
      <p className="text-secondary card-intro">
        Mail from a blocked address, or from a blocked domain and its subdomains, is deleted from this computer and no
        longer copied. It is never made a contact. Nothing is deleted from the server: unblock a sender to bring its
        mail back at the next sync.
      </p>

      <ListStates
        list={list}
        empty={list.status === 'loaded' && list.entries.length === 0}
        loadingLabel="Loading blocked senders"
        errorTitle="Blocked senders could not be loaded"
        errorTestId="blocked-load-error"
        emptyTestId="blocked-empty"
        onRetry={() => setAttempt((n) => n + 1)}
      >
        No sender is blocked.
      </ListStates>
      {list.status === 'loaded' && list.entries.length > 0 ? (
        <ul className="account-list" data-testid="blocked-list">
          {list.entries.map((entry) => (
            <li key={entry.id} className="account-item">
              <div className="account-row" data-testid={`blocked-row-${entry.value}`}>
                <span className="setting-row-icon">
                  <ShieldIcon size={18} />
                </span>
                <div className="account-row-text">
                  <p className="account-row-email">
                    {entry.value}
                    <span className="account-row-name">
                      {' '}
                      · {entry.kind === 'domain' ? 'domain and subdomains' : 'address'}
                    </span>
                  </p>
                  <p className="text-secondary account-row-details">
                    {messagesText(entry.blockedMessages)} kept out · blocked {formatAbsolute(entry.createdAt)}
                  </p>
                </div>
                {canUnblock ? (
                  <button
                    type="button"
                    className="btn btn-secondary btn-small"
                    disabled={unblock.step === 'removing' && unblock.entry.id === entry.id}
                    onClick={() => setUnblock({ step: 'confirming', entry })}
                    aria-label={`Unblock ${entry.value}`}
                    data-testid={`blocked-remove-${entry.value}`}
                  >
                    Unblock
                  </button>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      ) : null}

      {unblock.step === 'removed' ? (
        <Alert tone="success" testId="blocked-removed">
          <p>
            {unblock.entry.value} is unblocked. The next sync copies {messagesText(unblock.released)} from it again.
          </p>
        </Alert>
      ) : null}
      {unblock.step === 'error' ? (
        <Alert tone="error" title={`${unblock.entry.value} was not unblocked`} testId="blocked-remove-error">
          <p>{unblock.error.message}</p>
        </Alert>
      ) : null}
      {block.flow.step === 'blocked' ? (
        <Alert tone="success" testId="blocked-added">
          <p>
            {block.flow.result.entry.value} is blocked: {messagesText(block.flow.result.removed)} deleted from this
            computer.
          </p>
        </Alert>
      ) : null}
      {block.flow.step === 'error' ? (
        <Alert tone="error" title="The sender was not blocked" testId="blocked-add-error">
          <p>{block.flow.error.message}</p>
        </Alert>
      ) : null}

      {canBlock ? (
        <>
          <hr className="divider divider-tight" />
          <form className="block-form" onSubmit={submit} noValidate data-testid="blocked-form">
            <Field id="blocked-kind" label="Block">
              {(control) => (
                <select
                  {...control}
                  className="input select"
                  value={kind}
                  onChange={(event) => setKind(event.target.value === 'domain' ? 'domain' : 'address')}
                  data-testid="blocked-kind"
                >
                  {KIND_OPTIONS.map((option) => (
                    <option key={option.value} value={option.value}>
                      {option.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="blocked-value" label={kind === 'address' ? 'Email address' : 'Domain'} error={invalid}>
              {(control) => (
                <input
                  {...control}
                  className="input"
                  type="text"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder={kind === 'address' ? 'name@example.com' : 'example.com'}
                  value={value}
                  onChange={(event) => setValue(event.target.value)}
                  data-testid="blocked-value"
                />
              )}
            </Field>
            <button type="submit" className="btn btn-secondary" disabled={busy} data-testid="blocked-submit">
              {block.flow.step === 'previewing' ? 'Checking…' : 'Block'}
            </button>
          </form>
        </>
      ) : null}

      <BlockConfirmDialog flow={block.flow} onConfirm={() => void block.confirm()} onCancel={block.cancel} />
      <ConfirmDialog
        open={confirming !== null}
        title={`Unblock ${confirming?.value ?? 'this sender'}?`}
        confirmLabel="Unblock"
        onConfirm={() => {
          if (confirming) void remove(confirming);
        }}
        onCancel={() => setUnblock({ step: 'idle' })}
      >
        <p data-testid="unblock-confirm-count">
          The next sync copies the {messagesText(confirming?.blockedMessages ?? 0)} it kept out back to this computer,
          and new mail from {confirming?.value ?? 'it'} is copied again.
        </p>
      </ConfirmDialog>
    </section>
  );
}
