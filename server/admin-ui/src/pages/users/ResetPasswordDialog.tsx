import { useId, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { UserView } from '../../../../../common/api/server-admin.js';
import { NewPassword } from '../../../../../common/api/server-auth.js';
import { Alert } from '../../../../../ui/Alert.js';
import { Modal } from '../../../../../ui/Modal.js';
import { api } from '../../api/admin.js';
import { NewPasswordField } from '../../components/NewPasswordField.js';

/**
 * An administrator sets a new password for someone who forgot theirs. The length is checked here with
 * the shared schema; the common-password list, "not the email" and whether the caller may act on this
 * user at all are the server's, shown in its words. The admin hands the password over, so it can be
 * shown while typed (no second field to mistype against).
 */
export function ResetPasswordDialog({
  user,
  onDone,
  onCancel,
}: {
  user: UserView;
  onDone: (revokedSessions: number) => void;
  onCancel: () => void;
}): ReactElement {
  const titleId = useId();
  const cancelButton = useRef<HTMLButtonElement>(null);
  const [password, setPassword] = useState('');
  const [shown, setShown] = useState(false);
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const check = NewPassword.safeParse(password);
    setError(check.success ? undefined : check.error.issues[0]?.message);
    setFailure(undefined);
    if (!check.success) return;
    setBusy(true);
    const result = await api.resetPassword(user.id, password);
    setBusy(false);
    if (result.ok) return onDone(result.value.revokedSessions);
    if (result.error.code === 'VALIDATION') setError(result.error.message);
    else setFailure(result.error.message);
  }

  return (
    // Focus starts on Cancel, as in every dialog that ends someone's sessions.
    <Modal open labelledBy={titleId} onDismiss={onCancel} initialFocus={cancelButton} testId="reset-password-dialog">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <h2 className="dialog-title" id={titleId}>
          Reset password
        </h2>
        <div className="dialog-content">
          <p>
            A new password for <strong className="break-anywhere">{user.email}</strong>. Hand it over in person or over
            a channel you trust. It is a temporary password: signing in with it, they must choose their own.
          </p>
          <NewPasswordField
            id="reset-password"
            label="New password"
            value={password}
            onChange={(value) => {
              // The refusal was about the password as it was: it goes once that is edited.
              setPassword(value);
              setError(undefined);
            }}
            error={error}
            errorTestId="reset-password-error"
            testId="reset-password-input"
            shown={shown}
          />
          <label className="choice">
            <input
              type="checkbox"
              checked={shown}
              onChange={(event) => setShown(event.target.checked)}
              data-testid="reset-password-show"
            />
            <span>Show the password</span>
          </label>
          <Alert tone="warning">
            <p>
              All of their sessions end at once: every desktop and browser signed in as them is signed out, and the old
              password stops working.
            </p>
          </Alert>
          {failure ? (
            <Alert tone="error" title="The server refused" testId="reset-password-failure">
              <p>{failure}</p>
            </Alert>
          ) : null}
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" ref={cancelButton} onClick={onCancel}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn-danger"
            disabled={busy}
            aria-busy={busy}
            data-testid="reset-password-confirm"
          >
            {busy ? 'Resetting…' : 'Reset password'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
