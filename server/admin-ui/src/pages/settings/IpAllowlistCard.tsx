import { useState, type FormEvent, type ReactElement } from 'react';
import { Cidr, IP_ALLOWLIST_MAX } from '../../../../../common/api/server-second-factor.js';
import { Alert } from '../../../../../ui/Alert.js';
import { LockIcon } from '../../../../../ui/icons.js';
import { api } from '../../api/admin.js';

/** One network per line; blank lines and surrounding spaces don't count. */
function parseLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/**
 * The IP allowlist as a list of CIDR networks. Each line is checked with the server's own schema
 * first (naming the line); the server then refuses what only it can judge, e.g. a list that would
 * shut out the address this page is used from. Both refusals are shown as the server words them.
 */
export function IpAllowlistCard({ value, onSaved }: { value: string[]; onSaved: () => void }): ReactElement {
  const [text, setText] = useState(value.join('\n'));
  const [failure, setFailure] = useState<{ title: string; message: string }>();
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault();
    setFailure(undefined);
    setStatus(undefined);
    const lines = parseLines(text);
    const bad = lines.find((line) => !Cidr.safeParse(line).success);
    if (bad !== undefined) {
      return setFailure({
        title: `“${bad}” is not a network`,
        message: 'Enter a network in CIDR form, e.g. 10.0.0.0/8.',
      });
    }
    if (lines.length > IP_ALLOWLIST_MAX) {
      return setFailure({ title: 'Too many networks', message: `At most ${IP_ALLOWLIST_MAX}.` });
    }
    setBusy(true);
    const result = await api.saveSettings({ ipAllowlist: lines });
    setBusy(false);
    if (!result.ok) return setFailure({ title: 'The server kept the previous list', message: result.error.message });
    setText(result.value.ipAllowlist.join('\n'));
    setStatus(
      result.value.ipAllowlist.length === 0 ? 'Saved: every address may connect.' : 'Saved: the list applies now.',
    );
    onSaved();
  }

  return (
    <section className="card settings-card" aria-labelledby="allowlist-title" data-testid="settings-allowlist">
      <form className="setting-row" onSubmit={(event) => void save(event)}>
        <span className="setting-row-icon">
          <LockIcon />
        </span>
        <div className="setting-row-text">
          <h2 className="setting-row-title" id="allowlist-title">
            IP allowlist
          </h2>
          <p className="text-secondary">
            When the list has networks, the API and these pages answer only addresses inside them (the health check
            excepted). The server&apos;s own machine (loopback) is always let in, to repair a list that shuts everyone
            out. Empty: every address may connect.
          </p>
          <div className="field">
            <label className="field-label" htmlFor="allowlist">
              Networks, one per line
            </label>
            <textarea
              id="allowlist"
              className="input input-mono"
              rows={5}
              spellCheck={false}
              placeholder={'10.0.0.0/8\n2001:db8::/32'}
              value={text}
              aria-invalid={Boolean(failure)}
              aria-describedby={failure ? 'allowlist-error' : undefined}
              onChange={(event) => setText(event.target.value)}
              data-testid="settings-allowlist-input"
            />
          </div>
          {failure ? (
            <div id="allowlist-error">
              <Alert tone="error" title={failure.title} testId="settings-allowlist-error">
                <p>{failure.message}</p>
              </Alert>
            </div>
          ) : null}
          <div className="actions actions-tight">
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="settings-allowlist-save">
              Save allowlist
            </button>
            <span className="save-status" role="status" data-testid="settings-allowlist-status">
              {status ?? ''}
            </span>
          </div>
        </div>
      </form>
    </section>
  );
}
