import { useState, type FormEvent, type ReactElement } from 'react';
import { NewPassword } from '../../../../common/api/server-auth.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import type { Result } from '../../../../common/result.js';
import { Alert } from '../../../../ui/Alert.js';
import { Field } from '../../../../ui/Field.js';
import { api, type LoginAnswer } from '../api/admin.js';
import { NewPasswordField } from '../components/NewPasswordField.js';
import { CenteredScreen } from './CenteredScreen.js';
import { SsoSignInOffer } from './SsoSignInOffer.js';

type Step =
  | { kind: 'password' }
  | { kind: 'code'; challenge: string; recovery: boolean }
  | { kind: 'new-password'; challenge: string; message: string };

/** An expired or spent challenge: the sign-in starts again from the password. */
const DEAD_CHALLENGE = /expired|start again|sign in again/i;

/** The server's words, plus when to retry for a throttled account. */
function describe(error: AppErrorShape): string {
  if (error.code === 'RATE_LIMIT' && error.retryAfterMs !== undefined) {
    return `${error.message} Try again in ${Math.ceil(error.retryAfterMs / 1000)} s.`;
  }
  return error.message;
}

/**
 * Password first; then, when the account has 2FA, a code from the app or a recovery code; then, when
 * the password was a temporary one an administrator set, the user's own new password. With single
 * sign-on on, "Sign in with SSO" under the form.
 */
export function SignInPage({ onSignedIn }: { onSignedIn: () => void }): ReactElement {
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [newPasswordError, setNewPasswordError] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  /** Where a step that succeeded leads: the next step, or signed in. */
  function advance(answer: LoginAnswer): void {
    if ('secondFactor' in answer && answer.secondFactor === 'required') {
      return setStep({ kind: 'code', challenge: answer.challenge, recovery: false });
    }
    if ('passwordChange' in answer) {
      return setStep({ kind: 'new-password', challenge: answer.challenge, message: answer.message });
    }
    // Signed in (or signed in but the workspace wants 2FA set up first: App shows that).
    onSignedIn();
  }

  /** A refusal of a later step: an expired or spent challenge needs the password again. */
  function refused(result: Result<unknown> & { ok: false }): void {
    if (result.error.code === 'AUTH' && DEAD_CHALLENGE.test(result.error.message)) setStep({ kind: 'password' });
    setFailure(describe(result.error));
  }

  async function submitPassword(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    const result = await api.login(email, password);
    setBusy(false);
    if (!result.ok) {
      setPassword('');
      return setFailure(describe(result.error));
    }
    setPassword('');
    advance(result.value);
  }

  async function submitCode(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (step.kind !== 'code') return;
    setBusy(true);
    setFailure(undefined);
    const result = await api.secondFactor(step.challenge, step.recovery ? { recoveryCode: code } : { code });
    setBusy(false);
    setCode('');
    if (result.ok) return advance(result.value);
    refused(result);
  }

  async function submitNewPassword(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (step.kind !== 'new-password') return;
    const check = NewPassword.safeParse(newPassword);
    setFailure(undefined);
    if (!check.success) return setNewPasswordError(check.error.issues[0]?.message);
    setBusy(true);
    const result = await api.newPassword(step.challenge, newPassword);
    setBusy(false);
    if (result.ok) {
      setNewPassword('');
      return advance(result.value);
    }
    // VALIDATION: a rule the new password breaks (or the temporary one again); the challenge stays.
    if (result.error.code === 'VALIDATION') return setNewPasswordError(result.error.message);
    setNewPassword('');
    refused(result);
  }

  const error = failure ? (
    <Alert tone="error" testId="sign-in-error">
      <p>{failure}</p>
    </Alert>
  ) : null;

  if (step.kind === 'new-password') {
    return (
      <CenteredScreen>
        <h1>Choose your password</h1>
        <p className="text-secondary" data-testid="new-password-reason">
          {step.message}
        </p>
        <form onSubmit={(event) => void submitNewPassword(event)} noValidate data-testid="sign-in-new-password-form">
          <NewPasswordField
            id="sign-in-new-password"
            label="New password"
            value={newPassword}
            onChange={(value) => {
              setNewPassword(value);
              setNewPasswordError(undefined);
            }}
            error={newPasswordError}
            errorTestId="sign-in-new-password-error"
            testId="sign-in-new-password"
          />
          {error}
          <div className="actions">
            <SubmitButton
              busy={busy}
              label="Save and sign in"
              busyLabel="Saving…"
              testId="sign-in-new-password-submit"
            />
          </div>
        </form>
      </CenteredScreen>
    );
  }

  if (step.kind === 'code') {
    return (
      <CenteredScreen>
        <h1>Two-factor sign-in</h1>
        <p className="text-secondary">
          {step.recovery
            ? 'Enter one of the recovery codes you saved when you set up two-factor sign-in. Each works once.'
            : 'Enter the 6-digit code your authenticator app shows for Clientele.'}
        </p>
        <form onSubmit={(event) => void submitCode(event)} noValidate data-testid="sign-in-code-form">
          <Field id="sign-in-code" label={step.recovery ? 'Recovery code' : 'Code'}>
            {(control) => (
              <input
                {...control}
                className="input input-mono"
                autoComplete="one-time-code"
                inputMode={step.recovery ? 'text' : 'numeric'}
                // The field appears after the password step: focus follows the flow.
                autoFocus
                value={code}
                onChange={(event) => setCode(event.target.value)}
                data-testid="sign-in-code"
              />
            )}
          </Field>
          {error}
          <div className="actions">
            <SubmitButton busy={busy} label="Verify" busyLabel="Checking…" testId="sign-in-verify" />
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => {
                setCode('');
                setFailure(undefined);
                setStep({ ...step, recovery: !step.recovery });
              }}
              data-testid="sign-in-use-recovery"
            >
              {step.recovery ? 'Use the authenticator app' : 'Use a recovery code'}
            </button>
          </div>
        </form>
      </CenteredScreen>
    );
  }

  return (
    <CenteredScreen>
      <h1>Sign in</h1>
      <p className="text-secondary">The admin pages of this Clientele team server.</p>
      <form onSubmit={(event) => void submitPassword(event)} data-testid="sign-in-form">
        <Field id="sign-in-email" label="Email">
          {(control) => (
            <input
              {...control}
              className="input"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              data-testid="sign-in-email"
            />
          )}
        </Field>
        <Field id="sign-in-password" label="Password">
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              data-testid="sign-in-password"
            />
          )}
        </Field>
        {error}
        <div className="actions">
          <SubmitButton busy={busy} label="Sign in" busyLabel="Signing in…" testId="sign-in-submit" />
        </div>
      </form>
      <SsoSignInOffer />
    </CenteredScreen>
  );
}

/** A step's submit button, which says so while the server is asked. */
function SubmitButton({
  busy,
  label,
  busyLabel,
  testId,
}: {
  busy: boolean;
  label: string;
  busyLabel: string;
  testId: string;
}): ReactElement {
  return (
    <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy} data-testid={testId}>
      {busy ? busyLabel : label}
    </button>
  );
}
