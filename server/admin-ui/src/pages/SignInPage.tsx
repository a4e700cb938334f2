import { useState, type FormEvent, type ReactElement } from 'react';
import type { AppErrorShape } from '../../../../common/errors.js';
import { api } from '../api/admin.js';
import { Alert } from '../components/Alert.js';
import { Field } from '../components/Field.js';
import { CenteredScreen } from './CenteredScreen.js';
import { SsoSignInOffer } from './SsoSignInOffer.js';

type Step = { kind: 'password' } | { kind: 'code'; challenge: string; recovery: boolean };

/** The server's words, plus when to retry for a throttled account. */
function describe(error: AppErrorShape): string {
  if (error.code === 'RATE_LIMIT' && error.retryAfterMs !== undefined) {
    return `${error.message} Try again in ${Math.ceil(error.retryAfterMs / 1000)} s.`;
  }
  return error.message;
}

/**
 * Password first; then, when the account has 2FA, a code from the app or a recovery code. With single
 * sign-on on, "Sign in with SSO" under the form.
 */
export function SignInPage({ onSignedIn }: { onSignedIn: () => void }): ReactElement {
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

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
    if (result.value.secondFactor === 'required') {
      return setStep({ kind: 'code', challenge: result.value.challenge, recovery: false });
    }
    // Signed in (or signed in but the workspace wants 2FA set up first: App shows that).
    onSignedIn();
  }

  async function submitCode(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (step.kind !== 'code') return;
    setBusy(true);
    setFailure(undefined);
    const result = await api.secondFactor(step.challenge, step.recovery ? { recoveryCode: code } : { code });
    setBusy(false);
    setCode('');
    if (result.ok) return onSignedIn();
    // An expired or spent challenge needs the password again.
    if (result.error.code === 'AUTH' && /expired|start again|sign in again/i.test(result.error.message)) {
      setStep({ kind: 'password' });
    }
    setFailure(describe(result.error));
  }

  const error = failure ? (
    <Alert tone="error" testId="sign-in-error">
      <p>{failure}</p>
    </Alert>
  ) : null;

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
            <button
              type="submit"
              className="btn btn-primary"
              disabled={busy}
              aria-busy={busy}
              data-testid="sign-in-verify"
            >
              {busy ? 'Checking…' : 'Verify'}
            </button>
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
          <button
            type="submit"
            className="btn btn-primary"
            disabled={busy}
            aria-busy={busy}
            data-testid="sign-in-submit"
          >
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
      <SsoSignInOffer />
    </CenteredScreen>
  );
}
