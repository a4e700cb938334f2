import { useState, type FormEvent, type ReactElement } from 'react';
import type { UserView } from '../../../../../common/api/server-admin.js';
import { Email, NewPassword } from '../../../../../common/api/server-auth.js';
import { Alert } from '../../../../../ui/Alert.js';
import { Field } from '../../../../../ui/Field.js';
import { api } from '../../api/admin.js';
import { NewPasswordField } from '../../components/NewPasswordField.js';

/**
 * A new account with a first password the admin hands over, by default a temporary one its owner
 * replaces at the first sign-in. The length is checked here with the shared schema; the
 * common-password list and "not the email" are the server's, shown as it words them.
 */
export function NewUserForm({
  onCreated,
  onCancel,
}: {
  onCreated: (user: UserView) => void;
  onCancel: () => void;
}): ReactElement {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [temporary, setTemporary] = useState(true);
  const [errors, setErrors] = useState<{ email?: string | undefined; password?: string | undefined }>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const emailCheck = Email.safeParse(email);
    const passwordCheck = NewPassword.safeParse(password);
    const found = {
      email: emailCheck.success ? undefined : emailCheck.error.issues[0]?.message,
      password: passwordCheck.success ? undefined : passwordCheck.error.issues[0]?.message,
    };
    setErrors(found);
    setFailure(undefined);
    if (found.email || found.password) return;
    setBusy(true);
    const result = await api.createUser({ email, password, temporaryPassword: temporary });
    setBusy(false);
    if (result.ok) return onCreated(result.value);
    if (result.error.code === 'VALIDATION') setErrors({ password: result.error.message });
    else setFailure(result.error.message);
  }

  return (
    <form className="card form-card" onSubmit={(event) => void submit(event)} noValidate data-testid="user-form">
      <h2 className="card-title">New user</h2>
      <div className="form-row">
        <Field id="new-user-email" label="Email" error={errors.email} errorTestId="user-email-error">
          {(control) => (
            <input
              {...control}
              className="input"
              type="email"
              autoComplete="off"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              data-testid="user-email"
            />
          )}
        </Field>
        <NewPasswordField
          id="new-user-password"
          label="First password"
          value={password}
          onChange={setPassword}
          error={errors.password}
          errorTestId="user-password-error"
          testId="user-password"
        />
      </div>
      <label className="choice">
        <input
          type="checkbox"
          checked={temporary}
          onChange={(event) => setTemporary(event.target.checked)}
          data-testid="user-temporary-password"
        />
        <span>Ask for a new password at the first sign-in (you know this one)</span>
      </label>
      <p className="field-hint">A new account holds no role: it can do nothing until you give it roles, next.</p>
      {failure ? (
        <Alert tone="error" testId="user-form-error">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="user-create">
          Create user
        </button>
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
