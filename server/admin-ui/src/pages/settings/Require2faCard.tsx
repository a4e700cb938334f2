import { useState, type ReactElement } from 'react';
import { Alert } from '../../../../../ui/Alert.js';
import { ShieldIcon } from '../../../../../ui/icons.js';
import { api } from '../../api/admin.js';

/** "Require 2FA for everyone": saved as soon as it is switched, refused (and said why) while you have none. */
export function Require2faCard({
  value,
  selfHas2fa,
  onSaved,
}: {
  value: boolean;
  selfHas2fa: boolean;
  onSaved: () => void;
}): ReactElement {
  const [failure, setFailure] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function change(next: boolean): Promise<void> {
    setBusy(true);
    setFailure(undefined);
    setStatus(undefined);
    const result = await api.saveSettings({ require2fa: next });
    setBusy(false);
    if (!result.ok) return setFailure(result.error.message);
    setStatus(next ? 'Required from now on.' : 'No longer required.');
    onSaved();
  }

  return (
    <section className="card settings-card" aria-labelledby="require-2fa-title" data-testid="settings-require-2fa">
      <div className="setting-row">
        <span className="setting-row-icon">
          <ShieldIcon />
        </span>
        <div className="setting-row-text">
          <h2 className="setting-row-title" id="require-2fa-title">
            Two-factor sign-in
          </h2>
          <p className="text-secondary">
            When required, an account without 2FA can still sign in with its password but must set up an authenticator
            app before anything else works, in the desktop app and here.
          </p>
          <label className="choice">
            <input
              type="checkbox"
              checked={value}
              disabled={busy}
              onChange={(event) => void change(event.target.checked)}
              data-testid="settings-require-2fa-toggle"
            />
            <span>Require two-factor sign-in for everyone</span>
          </label>
          {!value && !selfHas2fa ? <p className="field-hint">Turn it on for your own account first (below).</p> : null}
          {failure ? (
            <Alert tone="error" testId="settings-require-2fa-error">
              <p>{failure}</p>
            </Alert>
          ) : null}
          <p className="save-status" role="status">
            {status ?? ''}
          </p>
        </div>
      </div>
    </section>
  );
}
