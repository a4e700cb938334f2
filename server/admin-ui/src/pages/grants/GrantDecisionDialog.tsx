import { useId, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { GrantView } from '../../../../../common/api/server-grants.js';
import { Alert } from '../../../../../ui/Alert.js';
import { Modal } from '../../../../../ui/Modal.js';
import { api } from '../../api/admin.js';
import { approvableDurations, durationLabel, permissionLabel, SCOPES } from './grant-labels.js';

export type Decision = 'approve' | 'deny' | 'revoke';

const WORDS: Record<Decision, { title: string; confirm: string; busy: string }> = {
  approve: { title: 'Approve this request?', confirm: 'Approve', busy: 'Approving…' },
  deny: { title: 'Deny this request?', confirm: 'Deny', busy: 'Denying…' },
  revoke: { title: 'Revoke this grant?', confirm: 'Revoke', busy: 'Revoking…' },
};

/**
 * One decision on one request, with what it is about in front of the approver: approving for as
 * long as asked or shorter, denying or revoking with a note the requester sees. The server may still
 * refuse (the request was decided meanwhile, the requester left the team, the approver's roles no
 * longer cover it): its words are shown here and the dialog stays open.
 */
export function GrantDecisionDialog({
  decision,
  grant,
  onDone,
  onCancel,
}: {
  decision: Decision;
  grant: GrantView;
  onDone: (grant: GrantView) => void;
  onCancel: () => void;
}): ReactElement {
  const titleId = useId();
  const cancelButton = useRef<HTMLButtonElement>(null);
  const [minutes, setMinutes] = useState(grant.requestedMinutes);
  const [note, setNote] = useState('');
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const words = WORDS[decision];

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    const result =
      decision === 'approve'
        ? // The requested duration is the server's default (capped by the workspace's maximum).
          await api.approveGrant(grant.id, minutes === grant.requestedMinutes ? undefined : minutes)
        : decision === 'deny'
          ? await api.denyGrant(grant.id, note.trim())
          : await api.revokeGrant(grant.id, note.trim());
    setBusy(false);
    if (result.ok) onDone(result.value);
    else setFailure(result.error.message);
  }

  return (
    // Focus starts on Cancel: a decision is made by choosing it, never by a stray Enter.
    <Modal open labelledBy={titleId} onDismiss={onCancel} initialFocus={cancelButton} testId="grant-dialog">
      <form onSubmit={(event) => void submit(event)}>
        <h2 className="dialog-title" id={titleId}>
          {words.title}
        </h2>
        <div className="dialog-content">
          <dl className="grant-facts">
            <dt>Who</dt>
            <dd className="break-anywhere">{grant.userEmail}</dd>
            <dt>What</dt>
            <dd>
              {permissionLabel(grant)}, {SCOPES[grant.scope]}
            </dd>
            <dt>{decision === 'revoke' ? 'Given for' : 'Asked for'}</dt>
            <dd>{durationLabel(grant.approvedMinutes ?? grant.requestedMinutes)}</dd>
            <dt>Reason</dt>
            <dd className="grant-reason">{grant.reason}</dd>
          </dl>
          {decision === 'approve' ? (
            <div className="field">
              <label className="field-label" htmlFor="grant-minutes">
                For how long
              </label>
              <select
                id="grant-minutes"
                className="input select"
                value={minutes}
                onChange={(event) => setMinutes(Number(event.target.value))}
                data-testid="grant-minutes"
              >
                {approvableDurations(grant.requestedMinutes).map((option) => (
                  <option key={option} value={option}>
                    {option === grant.requestedMinutes
                      ? `${durationLabel(option)} (as asked)`
                      : `${durationLabel(option)} (shorter)`}
                  </option>
                ))}
              </select>
              <p className="field-hint">Counted from now; it then ends by itself. You can revoke it sooner.</p>
            </div>
          ) : (
            <div className="field">
              <label className="field-label" htmlFor="grant-note">
                Note for {grant.userEmail} (optional)
              </label>
              <textarea
                id="grant-note"
                className="input"
                rows={3}
                maxLength={500}
                value={note}
                onChange={(event) => setNote(event.target.value)}
                data-testid="grant-note"
              />
              <p className="field-hint">They see it with the request in their app.</p>
            </div>
          )}
          {failure ? (
            <Alert tone="error" title="The server refused" testId="grant-dialog-error">
              <p>{failure}</p>
            </Alert>
          ) : null}
        </div>
        <div className="dialog-actions">
          <button
            type="button"
            className="btn btn-secondary"
            ref={cancelButton}
            onClick={onCancel}
            data-testid="grant-dialog-cancel"
          >
            {failure ? 'Close' : 'Cancel'}
          </button>
          <button
            type="submit"
            className={decision === 'approve' ? 'btn btn-primary' : 'btn btn-danger'}
            disabled={busy}
            aria-busy={busy}
            data-testid="grant-dialog-confirm"
          >
            {busy ? words.busy : words.confirm}
          </button>
        </div>
      </form>
    </Modal>
  );
}
