import { useState, type FormEvent, type ReactElement } from 'react';
import { TeamServerUrl, type TeamStatus } from '../../../../common/api/team.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { Field } from '../../../../ui/Field.js';
import { call } from '../../api/call.js';
import { TeamSsoProgress, useSsoOffered, useTeamSso } from './TeamSsoSignIn.js';

type Problems = Partial<Record<'serverUrl' | 'email' | 'password' | 'fingerprint', string>>;

const FINGERPRINT = /^[A-Za-z0-9_-]{43}$/;

/** The URL check the core applies (common/api/team.ts), so a typo is named before any request. */
export function serverUrlProblem(value: string): string | null {
  if (value.trim() === '') return 'Enter the team server address, e.g. https://team.example.com';
  const parsed = TeamServerUrl.safeParse(value);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'Enter a valid team server address.');
}

function localProblems(serverUrl: string, email: string, password: string, fingerprint: string): Problems {
  const problems: Problems = {};
  const url = serverUrlProblem(serverUrl);
  if (url) problems.serverUrl = url;
  if (email.trim() === '') problems.email = 'Enter the email address your admin registered';
  if (password === '') problems.password = 'Enter your team server password';
  if (fingerprint.trim() !== '' && !FINGERPRINT.test(fingerprint.trim())) {
    problems.fingerprint = 'A key fingerprint is 43 letters, digits, - or _ (as the server printed it)';
  }
  return problems;
}

/** What to tell the user when the core refused: its message already says what went wrong. */
function refusalTitle(error: AppErrorShape): string {
  switch (error.code) {
    case 'AUTH':
      return 'Not enrolled: the server refused';
    case 'SECOND_FACTOR_REQUIRED':
      return 'Enter your authentication code';
    case 'PASSWORD_CHANGE_REQUIRED':
      return 'Not enrolled: choose your own password first';
    case 'CONFLICT':
      return 'Not enrolled: this profile belongs to another workspace';
    case 'RATE_LIMIT':
      return 'Not enrolled: too many attempts';
    case 'FORBIDDEN':
      return 'Not enrolled: your role may not change settings';
    default:
      return 'Not enrolled';
  }
}

/**
 * Enrollment (team.enroll): the core signs in, pins the workspace key (checked against the
 * fingerprint, if given), verifies the first policy, and stores nothing unless all of that worked.
 * The password leaves React state as soon as the core answered, unless the answer asks for the
 * second factor (the sign-in is then tried again with the password and the code). When the server
 * offers single sign-on, "Sign in with SSO" enrolls through the browser instead (team.enrollSso):
 * it needs only the address and, if given, the fingerprint.
 */
export function TeamEnrollForm({ onEnrolled }: { onEnrolled: (status: TeamStatus) => void }): ReactElement {
  const [serverUrl, setServerUrl] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fingerprint, setFingerprint] = useState('');
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<AppErrorShape | null>(null);
  // Shown once the server said the account has two-factor sign-in.
  const [askCode, setAskCode] = useState(false);
  const [secondFactorCode, setSecondFactorCode] = useState('');
  const ssoOffered = useSsoOffered(serverUrl);
  const sso = useTeamSso(onEnrolled);
  const ssoBusy = sso.state.kind === 'starting' || sso.state.kind === 'waiting';

  const startSso = (): void => {
    if (busy || ssoBusy) return;
    const found: Problems = {};
    const url = serverUrlProblem(serverUrl);
    if (url) found.serverUrl = url;
    const expected = fingerprint.trim();
    if (expected !== '' && !FINGERPRINT.test(expected)) {
      found.fingerprint = 'A key fingerprint is 43 letters, digits, - or _ (as the server printed it)';
    }
    setProblems(found);
    setRefusal(null);
    if (Object.keys(found).length > 0) return;
    sso.start({ serverUrl, ...(expected === '' ? {} : { expectedFingerprint: expected }) });
  };

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (busy || ssoBusy) return;
    const found = localProblems(serverUrl, email, password, fingerprint);
    setProblems(found);
    setRefusal(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    const expected = fingerprint.trim();
    const code = secondFactorCode.trim();
    const result = await call('team.enroll', {
      serverUrl,
      email,
      password,
      ...(expected === '' ? {} : { expectedFingerprint: expected }),
      ...(askCode && code !== '' ? { secondFactorCode: code } : {}),
    });
    setBusy(false);
    setSecondFactorCode('');
    if (result.ok) {
      setPassword('');
      onEnrolled(result.value);
      return;
    }
    // The password was right and the account has 2FA: keep it, ask for the code, try again.
    if (result.error.code === 'SECOND_FACTOR_REQUIRED') setAskCode(true);
    else setPassword('');
    setRefusal(result.error);
  };

  return (
    <form
      className="team-enroll-form"
      onSubmit={(event) => void submit(event)}
      noValidate
      data-testid="team-enroll-form"
    >
      <p className="text-secondary">
        Join your organisation&apos;s team server: your admin&apos;s roles then decide what this profile may see and do,
        even offline. Your mail and records stay on this computer.
      </p>
      <fieldset className="form-fieldset" disabled={busy || ssoBusy}>
        <Field id="team-server-url" label="Server address" error={problems.serverUrl} errorTestId="team-url-error">
          {(control) => (
            <input
              {...control}
              className="input"
              type="url"
              placeholder="https://team.example.com"
              autoComplete="url"
              value={serverUrl}
              onChange={(event) => setServerUrl(event.target.value)}
              data-testid="team-enroll-url"
            />
          )}
        </Field>
        <Field id="team-email" label="Email" error={problems.email} errorTestId="team-email-error">
          {(control) => (
            <input
              {...control}
              className="input"
              type="email"
              autoComplete="username"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              data-testid="team-enroll-email"
            />
          )}
        </Field>
        <Field id="team-password" label="Password" error={problems.password} errorTestId="team-password-error">
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              data-testid="team-enroll-password"
            />
          )}
        </Field>
        {askCode ? (
          <Field
            id="team-second-factor"
            label="Authentication code"
            hint="The 6-digit code from your authenticator app, or one of your recovery codes."
          >
            {(control) => (
              <input
                {...control}
                className="input"
                inputMode="numeric"
                autoComplete="one-time-code"
                spellCheck={false}
                value={secondFactorCode}
                onChange={(event) => setSecondFactorCode(event.target.value)}
                data-testid="team-enroll-code"
              />
            )}
          </Field>
        ) : null}
        <Field
          id="team-fingerprint"
          label="Workspace key fingerprint (optional)"
          hint="If your admin gave you one, enter it: any other key is then refused."
          error={problems.fingerprint}
          errorTestId="team-fingerprint-error"
        >
          {(control) => (
            <input
              {...control}
              className="input"
              spellCheck={false}
              value={fingerprint}
              onChange={(event) => setFingerprint(event.target.value)}
              data-testid="team-enroll-fingerprint"
            />
          )}
        </Field>
      </fieldset>
      {refusal ? (
        <Alert tone="error" title={refusalTitle(refusal)} testId="team-enroll-error">
          <p>{refusal.message}</p>
        </Alert>
      ) : null}
      <TeamSsoProgress sso={sso} />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy || ssoBusy} data-testid="team-enroll-submit">
          {busy ? 'Enrolling…' : 'Enroll'}
        </button>
        {ssoOffered ? (
          <>
            <button
              type="button"
              className="btn btn-secondary"
              disabled={busy || ssoBusy}
              onClick={startSso}
              data-testid="team-enroll-sso"
            >
              Sign in with SSO
            </button>
            <span className="actions-hint">
              Your team server offers single sign-on: sign in on your organisation&apos;s page in your browser, with no
              password to type here.
            </span>
          </>
        ) : null}
      </div>
    </form>
  );
}
