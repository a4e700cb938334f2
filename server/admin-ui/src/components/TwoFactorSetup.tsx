import { useState, type FormEvent, type ReactElement } from 'react';
import type { TotpSetupOutput } from '../../../../common/api/server-second-factor.js';
import { Alert } from '../../../../ui/Alert.js';
import { Field } from '../../../../ui/Field.js';
import { api } from '../api/admin.js';
import { groupSecret } from '../lib/format.js';
import { QrCode } from './QrCode.js';

type Stage = { kind: 'start' } | { kind: 'scan'; setup: TotpSetupOutput } | { kind: 'codes'; recoveryCodes: string[] };

/**
 * Turning on TOTP for the signed-in account: a fresh secret (scanned from its QR code, typed into an
 * authenticator app, or opened as its otpauth:// link), one code to confirm, then the recovery codes,
 * shown this once.
 */
export function TwoFactorSetup({ onDone }: { onDone: () => void }): ReactElement {
  const [stage, setStage] = useState<Stage>({ kind: 'start' });
  const [code, setCode] = useState('');
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  async function start(): Promise<void> {
    setBusy(true);
    setFailure(undefined);
    const result = await api.totpSetup();
    setBusy(false);
    if (result.ok) setStage({ kind: 'scan', setup: result.value });
    else setFailure(result.error.message);
  }

  async function confirm(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    const result = await api.totpConfirm(code);
    setBusy(false);
    setCode('');
    if (result.ok) setStage({ kind: 'codes', recoveryCodes: result.value.recoveryCodes });
    else setFailure(result.error.message);
  }

  const error = failure ? (
    <Alert tone="error" testId="totp-error">
      <p>{failure}</p>
    </Alert>
  ) : null;

  if (stage.kind === 'start') {
    return (
      <div data-testid="totp-start">
        {error}
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => void start()}
          disabled={busy}
          data-testid="totp-begin"
        >
          Set up two-factor sign-in
        </button>
      </div>
    );
  }

  if (stage.kind === 'scan') {
    return (
      <form onSubmit={(event) => void confirm(event)} noValidate data-testid="totp-scan">
        <ol className="steps">
          <li>
            Scan this code with your authenticator app. If you can&apos;t scan it, add an account with the key below
            (time-based, 6 digits, 30 seconds), or open the{' '}
            <a href={stage.setup.otpauthUri} data-testid="totp-link">
              setup link
            </a>{' '}
            on the device that has the app.
          </li>
          <li>Enter the code the app shows.</li>
        </ol>
        <div className="qr-box">
          <QrCode
            text={stage.setup.otpauthUri}
            label="QR code to add this account to an authenticator app"
            testId="totp-qr"
          />
        </div>
        <div className="secret-box">
          <span className="detail-label">Key</span>
          <code className="secret" data-testid="totp-secret" data-secret={stage.setup.secret}>
            {groupSecret(stage.setup.secret)}
          </code>
        </div>
        <Field id="totp-code" label="Code from the app">
          {(control) => (
            <input
              {...control}
              className="input input-mono input-code"
              autoComplete="one-time-code"
              inputMode="numeric"
              value={code}
              onChange={(event) => setCode(event.target.value)}
              data-testid="totp-code"
            />
          )}
        </Field>
        {error}
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="totp-confirm">
            Turn on
          </button>
        </div>
      </form>
    );
  }

  return (
    <div data-testid="totp-recovery">
      <Alert tone="success" title="Two-factor sign-in is on">
        <p>
          Keep these recovery codes somewhere safe: each signs you in once if the device is lost. They are not shown
          again.
        </p>
      </Alert>
      <ul className="recovery-codes" data-testid="totp-recovery-codes">
        {stage.recoveryCodes.map((recovery) => (
          <li key={recovery}>
            <code>{recovery}</code>
          </li>
        ))}
      </ul>
      <label className="choice">
        <input
          type="checkbox"
          checked={saved}
          onChange={(event) => setSaved(event.target.checked)}
          data-testid="totp-saved"
        />
        <span>I have saved the recovery codes</span>
      </label>
      <div className="actions">
        <button type="button" className="btn btn-primary" disabled={!saved} onClick={onDone} data-testid="totp-done">
          Done
        </button>
      </div>
    </div>
  );
}
