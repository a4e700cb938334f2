import { useState, type FormEvent, type ReactElement } from 'react';
import type { ProfileInfo } from '../../../common/domain/profile.js';
import type { AppErrorShape } from '../../../common/errors.js';
import { Field } from '../../../ui/Field.js';
import { call } from '../api/call.js';

/** Restores the keychain entries from the recovery key (profile.recover). */
export function RecoveryForm({ onRecovered }: { onRecovered: (profile: ProfileInfo) => void }): ReactElement {
  const [recoveryKey, setRecoveryKey] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<AppErrorShape | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    setError(null);
    const result = await call('profile.recover', { recoveryKey });
    setPending(false);
    if (result.ok) {
      // The key is not needed any more; clear it before the screen changes.
      setRecoveryKey('');
      onRecovered(result.value);
    } else {
      setError(result.error);
    }
  };

  return (
    <form className="recover-form" onSubmit={(event) => void submit(event)} noValidate>
      <h2>Restore with your recovery key</h2>
      <Field
        id="recover-input"
        label="Recovery key"
        hint="52 letters and digits in groups of four. Case, spaces and dashes don't matter."
        error={error?.message}
        errorTestId="recover-error"
      >
        {(control) => (
          <textarea
            {...control}
            className="input input-mono"
            rows={3}
            autoComplete="off"
            autoCorrect="off"
            autoCapitalize="characters"
            spellCheck={false}
            placeholder="ABCD-EFGH-IJKL-…"
            value={recoveryKey}
            onChange={(event) => setRecoveryKey(event.target.value)}
            data-testid="recover-input"
          />
        )}
      </Field>
      <div className="actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={pending || recoveryKey.trim() === ''}
          data-testid="recover-submit"
        >
          {pending ? 'Restoring…' : 'Restore'}
        </button>
      </div>
    </form>
  );
}
