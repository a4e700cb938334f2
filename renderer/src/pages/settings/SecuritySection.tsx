import { useEffect, useId, useRef, useState, type ReactElement } from 'react';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { ConfirmDialog } from '../../../../ui/ConfirmDialog.js';
import { ShieldIcon } from '../../../../ui/icons.js';
import { Modal } from '../../../../ui/Modal.js';
import { call } from '../../api/call.js';
import { RecoveryKeyReveal } from '../../components/RecoveryKeyReveal.js';
import { keychainName } from '../../lib/platform.js';

type Step =
  | { kind: 'idle' }
  | { kind: 'confirming' }
  | { kind: 'rotating' }
  | { kind: 'revealing'; recoveryKey: string }
  | { kind: 'done' }
  | { kind: 'error'; error: AppErrorShape };

/** Encryption facts and "Create a new recovery key" (profile.rotateRecoveryKey). */
export function SecuritySection(): ReactElement {
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const revealTitleId = useId();
  const rotateButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    // The dialogs that had focus are gone; put it back where the user started.
    if (step.kind === 'done') rotateButton.current?.focus();
  }, [step.kind]);

  const rotate = async (): Promise<void> => {
    setStep({ kind: 'rotating' });
    const result = await call('profile.rotateRecoveryKey', {});
    setStep(
      result.ok ? { kind: 'revealing', recoveryKey: result.value.recoveryKey } : { kind: 'error', error: result.error },
    );
  };

  return (
    <section className="card settings-card" aria-labelledby="settings-security-title">
      <h2 className="card-title" id="settings-security-title">
        Security
      </h2>
      <div className="setting-row">
        <span className="setting-row-icon">
          <ShieldIcon size={18} />
        </span>
        <div className="setting-row-text">
          <p className="setting-row-title">Recovery key</p>
          <p className="text-secondary">
            Your data is encrypted on this computer, and its key is kept in your {keychainName()}. The recovery key
            restores that key if the keychain loses it. Create a new one if you lost yours or someone else may have seen
            it; the current one then stops working.
          </p>
        </div>
        <button
          type="button"
          className="btn btn-secondary"
          ref={rotateButton}
          disabled={step.kind === 'rotating'}
          onClick={() => setStep({ kind: 'confirming' })}
          data-testid="settings-rotate-recovery"
        >
          {step.kind === 'rotating' ? 'Creating…' : 'Create a new recovery key'}
        </button>
      </div>

      {step.kind === 'done' ? (
        <Alert tone="success" testId="settings-rotate-done">
          <p>Your new recovery key is in place. The old one no longer works.</p>
        </Alert>
      ) : null}
      {step.kind === 'error' ? (
        <Alert tone="error" title="No new recovery key was created" testId="settings-rotate-error">
          <p>{step.error.message}</p>
        </Alert>
      ) : null}

      <ConfirmDialog
        open={step.kind === 'confirming'}
        title="Create a new recovery key?"
        confirmLabel="Create new key"
        onConfirm={() => void rotate()}
        onCancel={() => setStep({ kind: 'idle' })}
      >
        <p>
          Your current recovery key stops working right away. Clientele shows the new key once: have a safe place ready
          to save it.
        </p>
      </ConfirmDialog>

      {/* No onDismiss: the old key is already void, so the new one cannot be skipped by Escape. */}
      <Modal open={step.kind === 'revealing'} labelledBy={revealTitleId} testId="recovery-dialog">
        {step.kind === 'revealing' ? (
          <RecoveryKeyReveal
            recoveryKey={step.recoveryKey}
            titleId={revealTitleId}
            title="Save your new recovery key"
            continueLabel="Done"
            onContinue={() => setStep({ kind: 'done' })}
          />
        ) : null}
      </Modal>
    </section>
  );
}
