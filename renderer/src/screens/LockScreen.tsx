import { useState, type ReactElement } from 'react';
import type { AppState, ProfileInfo } from '../../../common/domain/profile.js';
import type { AppErrorShape } from '../../../common/errors.js';
import { Alert } from '../../../ui/Alert.js';
import { LockIcon } from '../../../ui/icons.js';
import { call } from '../api/call.js';
import { CenteredLayout } from '../components/CenteredLayout.js';
import { lockCopy } from './lockCopy.js';
import { RecoveryForm } from './RecoveryForm.js';

type Locked = Extract<AppState, { phase: 'locked' }>;

/** Why the profile stays locked, what to do about it, and (when possible) recovery. */
export function LockScreen({
  state,
  onState,
  onRecovered,
}: {
  state: Locked;
  onState: (state: AppState) => void;
  onRecovered: (profile: ProfileInfo) => void;
}): ReactElement {
  const [pending, setPending] = useState(false);
  const [callError, setCallError] = useState<AppErrorShape | null>(null);
  // Without feedback, a retry that fails the same way looks like a button that does nothing.
  const [stillLocked, setStillLocked] = useState(false);

  const { code, message } = state.error;
  const copy = lockCopy(code, state.canRecover);

  const retry = async (): Promise<void> => {
    if (pending) return;
    setPending(true);
    setCallError(null);
    setStillLocked(false);
    const result = await call('profile.unlock', {});
    setPending(false);
    if (!result.ok) {
      setCallError(result.error);
      return;
    }
    if (result.value.phase === 'locked') setStillLocked(true);
    onState(result.value);
  };

  return (
    <CenteredLayout testId="lock-screen" wide={state.canRecover}>
      <div className="screen-icon">
        <LockIcon size={22} />
      </div>
      <h1>{copy.title}</h1>
      <p className="text-secondary">{copy.explanation}</p>

      {copy.known ? null : (
        <Alert tone="error">
          <p>{message}</p>
        </Alert>
      )}

      {/* When the recovery key can help, it is the way forward: the form comes first. */}
      {state.canRecover ? (
        <RecoveryForm onRecovered={onRecovered} />
      ) : (
        <>
          <h2 className="section-label">What to do</h2>
          <ol className="steps">
            {copy.steps.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
        </>
      )}

      {state.canRecover ? <hr className="divider" /> : null}

      <div className="detail-box">
        {copy.known ? (
          <>
            <p className="detail-label">What the app reported</p>
            <p>{message}</p>
          </>
        ) : null}
        <p className="detail-code">
          Error code <code data-testid="lock-code">{code}</code>
        </p>
      </div>

      {stillLocked ? (
        <Alert tone="warning" testId="lock-still-locked">
          <p>
            Still locked. {state.canRecover ? 'Use your recovery key above.' : 'Check the steps above, then try again.'}
          </p>
        </Alert>
      ) : null}
      {callError ? (
        <Alert tone="error" title="Clientele could not try again" testId="lock-retry-error">
          <p>{callError.message}</p>
        </Alert>
      ) : null}

      <div className="actions">
        <button
          type="button"
          className={state.canRecover ? 'btn btn-secondary' : 'btn btn-primary'}
          disabled={pending}
          onClick={() => void retry()}
          data-testid="lock-retry"
        >
          {pending ? 'Trying…' : 'Try again'}
        </button>
        {state.canRecover ? (
          <span className="actions-hint">If you restored the keychain another way, open the profile again.</span>
        ) : null}
      </div>
    </CenteredLayout>
  );
}
