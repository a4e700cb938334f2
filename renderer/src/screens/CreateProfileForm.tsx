import { useState, type FormEvent, type ReactElement } from 'react';
import type { ProfileInfo } from '../../../common/domain/profile.js';
import type { AppErrorShape } from '../../../common/errors.js';
import { Alert } from '../../../ui/Alert.js';
import { Field } from '../../../ui/Field.js';
import { LockIcon, KeyIcon } from '../../../ui/icons.js';
import { call } from '../api/call.js';
import { MonitorIcon } from '../components/icons.js';
import { keychainName } from '../lib/platform.js';
import { fieldErrors } from '../lib/validation.js';

export type Created = { profile: ProfileInfo; recoveryKey: string };

/** Step 1 of onboarding: what Clientele does with the data, then the name and Create. */
export function CreateProfileForm({ onCreated }: { onCreated: (created: Created) => void }): ReactElement {
  const [displayName, setDisplayName] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<AppErrorShape | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    setError(null);
    const result = await call('profile.create', { displayName });
    setPending(false);
    if (result.ok) onCreated(result.value);
    else setError(result.error);
  };

  const nameError = error ? fieldErrors(error)['displayName'] : undefined;
  // Field-level problems show under the field; anything else (keychain down, ...) as an alert.
  const generalError = error && !nameError ? error : null;

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <p className="eyebrow">Step 1 of 2</p>
      <h1>Welcome to Clientele</h1>
      <p className="text-secondary">
        Every conversation with your customers, on the right contact, company and deal. Before you start, here is how
        Clientele looks after your data.
      </p>
      <ul className="feature-list">
        <li>
          <span className="feature-icon">
            <MonitorIcon size={18} />
          </span>
          <span>
            <strong>It stays on this computer.</strong> Your customer data is kept in a file here, not in the cloud.
          </span>
        </li>
        <li>
          <span className="feature-icon">
            <LockIcon size={18} />
          </span>
          <span>
            <strong>It is encrypted.</strong> The encryption key is kept in your {keychainName()}, never next to the
            data.
          </span>
        </li>
        <li>
          <span className="feature-icon">
            <KeyIcon size={18} />
          </span>
          <span>
            <strong>You get a recovery key.</strong> It is shown once, in the next step, in case the keychain ever loses
            the key.
          </span>
        </li>
      </ul>

      <Field id="onboarding-name" label="Your name" hint="Shown at the top of the app." error={nameError}>
        {(control) => (
          <input
            {...control}
            className="input"
            type="text"
            autoComplete="name"
            maxLength={100}
            autoFocus
            value={displayName}
            onChange={(event) => setDisplayName(event.target.value)}
            data-testid="onboarding-name"
          />
        )}
      </Field>

      {generalError ? (
        <Alert tone="error" title="The profile could not be created" testId="onboarding-error">
          <p>{generalError.message}</p>
        </Alert>
      ) : null}

      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={pending} data-testid="onboarding-create">
          {pending ? 'Creating…' : 'Create profile'}
        </button>
      </div>
    </form>
  );
}
