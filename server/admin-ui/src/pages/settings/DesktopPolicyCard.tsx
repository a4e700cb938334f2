import { useState, type FormEvent, type ReactElement } from 'react';
import { GRANT_MAX_MINUTES_LIMIT } from '../../../../../common/api/server-grants.js';
import { MAX_OFFLINE_GRACE_HOURS } from '../../../../../common/rbac/policy.js';
import { Alert } from '../../../../../ui/Alert.js';
import { SettingsIcon } from '../../../../../ui/icons.js';
import { api } from '../../api/admin.js';

type Values = { offlineGraceHours: number; grantMaxMinutes: number };

/** A whole number within [min, max], or the sentence that says what is allowed. */
function wholeNumber(text: string, min: number, max: number, what: string): number | string {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    return `${what}: a whole number from ${min} to ${max}.`;
  }
  return value;
}

/** Minutes as hours, with at most two decimals (a grant maximum set through the API may be 90 minutes). */
function hoursText(minutes: number): string {
  return String(Number((minutes / 60).toFixed(2)));
}

/**
 * What the desktops' signed policies carry beside the roles: how long a desktop that cannot reach
 * the server keeps working past its policy's expiry (then it locks read-only), and the longest a
 * just-in-time grant may be approved for. Saving either re-issues every policy at the next fetch.
 */
export function DesktopPolicyCard({ value, onSaved }: { value: Values; onSaved: () => void }): ReactElement {
  const [grace, setGrace] = useState(String(value.offlineGraceHours));
  const [grantHours, setGrantHours] = useState(hoursText(value.grantMaxMinutes));
  const [failure, setFailure] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  const maxGrantHours = GRANT_MAX_MINUTES_LIMIT / 60;

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault();
    setFailure(undefined);
    setStatus(undefined);
    const offlineGraceHours = wholeNumber(grace, 0, MAX_OFFLINE_GRACE_HOURS, 'Offline grace');
    if (typeof offlineGraceHours === 'string') return setFailure(offlineGraceHours);
    const grantMaxMinutes = Math.round(Number(grantHours.trim()) * 60);
    if (
      grantHours.trim() === '' ||
      !Number.isFinite(grantMaxMinutes) ||
      grantMaxMinutes < 1 ||
      grantMaxMinutes > GRANT_MAX_MINUTES_LIMIT
    ) {
      return setFailure(`Longest access grant: from 1 minute (0.02) to ${maxGrantHours} hours.`);
    }
    setBusy(true);
    const result = await api.saveSettings({ offlineGraceHours, grantMaxMinutes });
    setBusy(false);
    if (!result.ok) return setFailure(result.error.message);
    setGrace(String(result.value.offlineGraceHours));
    setGrantHours(hoursText(result.value.grantMaxMinutes));
    setStatus('Saved: desktops get it with their next policy.');
    onSaved();
  }

  return (
    <section
      className="card settings-card"
      aria-labelledby="desktop-policy-title"
      data-testid="settings-desktop-policy"
    >
      <form className="setting-row" onSubmit={(event) => void save(event)}>
        <span className="setting-row-icon">
          <SettingsIcon />
        </span>
        <div className="setting-row-text">
          <h2 className="setting-row-title" id="desktop-policy-title">
            Desktop policies
          </h2>
          <p className="text-secondary">
            Each desktop checks its signed policy every minute or two. One that cannot reach the server keeps its last
            policy until it expires, then for the offline grace; after that it locks read-only until it reconnects.
          </p>
          <div className="field">
            <label className="field-label" htmlFor="offline-grace">
              Offline grace (hours)
            </label>
            <input
              id="offline-grace"
              className="input input-narrow"
              inputMode="numeric"
              value={grace}
              onChange={(event) => setGrace(event.target.value)}
              aria-describedby="offline-grace-hint"
              data-testid="settings-offline-grace-input"
            />
            <p className="field-hint" id="offline-grace-hint">
              0 to {MAX_OFFLINE_GRACE_HOURS} (90 days). 0 locks a desktop as soon as its policy expires.
            </p>
          </div>
          <div className="field">
            <label className="field-label" htmlFor="grant-max">
              Longest access grant (hours)
            </label>
            <input
              id="grant-max"
              className="input input-narrow"
              inputMode="numeric"
              value={grantHours}
              onChange={(event) => setGrantHours(event.target.value)}
              aria-describedby="grant-max-hint"
              data-testid="settings-grant-max-input"
            />
            <p className="field-hint" id="grant-max-hint">
              Up to {maxGrantHours} (7 days): the most an approver may grant a just-in-time request for.
            </p>
          </div>
          {failure ? (
            <Alert tone="error" testId="settings-desktop-policy-error">
              <p>{failure}</p>
            </Alert>
          ) : null}
          <div className="actions actions-tight">
            <button
              type="submit"
              className="btn btn-primary"
              disabled={busy}
              data-testid="settings-desktop-policy-save"
            >
              Save
            </button>
            <span className="save-status" role="status" data-testid="settings-desktop-policy-status">
              {status ?? ''}
            </span>
          </div>
        </div>
      </form>
    </section>
  );
}
