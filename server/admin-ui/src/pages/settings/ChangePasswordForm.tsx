import { useState, type FormEvent, type ReactElement } from 'react';
import { NewPassword } from '../../../../../common/api/server-auth.js';
import { Alert } from '../../../../../ui/Alert.js';
import { Field } from '../../../../../ui/Field.js';
import { api } from '../../api/admin.js';
import { NewPasswordField } from '../../components/NewPasswordField.js';
import { sessionCount } from '../../lib/format.js';

type Errors = { current?: string | undefined; next?: string | undefined };

/**
 * The signed-in user's own new password. The server asks for the current one (a wrong one counts
 * like a failed sign-in), applies the password rules, and signs out every other session: this page
 * stays signed in. Both fields are cleared once the server answered, whatever it said about them.
 */
export function ChangePasswordForm(): ReactElement {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<string>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const nextCheck = NewPassword.safeParse(next);
    const found: Errors = {
      current: current === '' ? 'Enter your current password.' : undefined,
      next: nextCheck.success ? undefined : nextCheck.error.issues[0]?.message,
    };
    setErrors(found);
    setFailure(undefined);
    setDone(undefined);
    if (found.current || found.next) return;
    setBusy(true);
    const result = await api.changePassword(current, next);
    setBusy(false);
    if (result.ok) {
      setCurrent('');
      setNext('');
      return setDone(
        result.value.revokedSessions === 0
          ? 'Password changed.'
          : `Password changed. ${sessionCount(result.value.revokedSessions)} elsewhere signed out.`,
      );
    }
    // AUTH: the current password was wrong; VALIDATION: the new one broke a rule; the rest (a wait
    // after too many tries, an account with no password) is about neither field.
    if (result.error.code === 'AUTH') setErrors({ current: result.error.message });
    else if (result.error.code === 'VALIDATION') setErrors({ next: result.error.message });
    else setFailure(result.error.message);
    setCurrent('');
  }

  return (
    <form
      className="account-password"
      onSubmit={(event) => void submit(event)}
      noValidate
      data-testid="change-password-form"
    >
      <h3 className="section-label">Change password</h3>
      <Field id="current-password" label="Current password" error={errors.current} errorTestId="current-password-error">
        {(control) => (
          <input
            {...control}
            className="input"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(event) => {
              setCurrent(event.target.value);
              setErrors((shown) => ({ ...shown, current: undefined }));
            }}
            data-testid="current-password"
          />
        )}
      </Field>
      <NewPasswordField
        id="new-password"
        label="New password"
        value={next}
        onChange={(value) => {
          setNext(value);
          setErrors((shown) => ({ ...shown, next: undefined }));
        }}
        error={errors.next}
        errorTestId="new-password-error"
        testId="new-password"
      />
      <p className="field-hint">Every other device and browser signed in as you is signed out; this one stays.</p>
      {failure ? (
        <Alert tone="error" testId="change-password-failure">
          <p>{failure}</p>
        </Alert>
      ) : null}
      {done ? (
        <Alert tone="success" testId="change-password-done">
          <p>{done}</p>
        </Alert>
      ) : null}
      <div className="actions actions-tight">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="change-password-submit">
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}
