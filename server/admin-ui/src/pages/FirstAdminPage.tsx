import { useState, type FormEvent, type ReactElement } from 'react';
import { Email, NewPassword } from '../../../../common/api/server-auth.js';
import { Alert } from '../../../../ui/Alert.js';
import { Field } from '../../../../ui/Field.js';
import { api } from '../api/admin.js';
import { NewPasswordField } from '../components/NewPasswordField.js';
import { CenteredScreen } from './CenteredScreen.js';

/**
 * Read once and dropped from the address bar: the token must not stay in the history or be copied
 * along with the URL. It never left the browser (a fragment is not sent to the server).
 */
function takeToken(): string {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
  return token;
}

const firstIssue = (result: { success: boolean; error?: { issues: { message: string }[] } }): string | undefined =>
  result.success ? undefined : result.error?.issues[0]?.message;

/** The one-time set-up link's page: the first admin's email and password, then straight in. */
export function FirstAdminPage({ onCreated }: { onCreated: () => void }): ReactElement {
  const [token] = useState(takeToken);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string | undefined; password?: string | undefined }>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const found = {
      email: firstIssue(Email.safeParse(email)),
      password: firstIssue(NewPassword.safeParse(password)),
    };
    setErrors(found);
    setFailure(undefined);
    if (found.email || found.password) return;
    setBusy(true);
    const result = await api.bootstrap(token, email, password);
    setBusy(false);
    if (result.ok) return onCreated();
    // The password rules refuse without spending the link: the admin fixes the password and retries.
    if (result.error.code === 'VALIDATION') setErrors({ password: result.error.message });
    else setFailure(result.error.message);
  }

  if (!token) {
    return (
      <CenteredScreen>
        <h1>Create the first admin</h1>
        <Alert tone="warning" title="This page needs the server's set-up link" testId="setup-no-token">
          <p>
            Open the one-time link the team server printed when it started (it ends in <code>#token=…</code>). Lost or
            expired: restart the server for a new one.
          </p>
        </Alert>
      </CenteredScreen>
    );
  }

  return (
    <CenteredScreen>
      <h1>Create the first admin</h1>
      <p className="text-secondary">
        This account manages users, roles and the workspace&apos;s security. The link works once.
      </p>
      <form onSubmit={(event) => void submit(event)} noValidate data-testid="setup-form">
        <Field id="setup-email" label="Email" error={errors.email}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="email"
              autoComplete="username"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              data-testid="setup-email"
            />
          )}
        </Field>
        <NewPasswordField
          id="setup-password"
          label="Password"
          value={password}
          onChange={setPassword}
          error={errors.password}
          errorTestId="setup-password-error"
          testId="setup-password"
        />
        {failure ? (
          <Alert tone="error" testId="setup-error">
            <p>{failure}</p>
          </Alert>
        ) : null}
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy} data-testid="setup-submit">
            {busy ? 'Creating…' : 'Create admin and sign in'}
          </button>
        </div>
      </form>
    </CenteredScreen>
  );
}
