import { useState, type ReactElement } from 'react';
import type { UserView } from '../../../../../common/api/server-admin.js';
import { Alert } from '../../../../../ui/Alert.js';
import { ConfirmDialog } from '../../../../../ui/ConfirmDialog.js';
import { api } from '../../api/admin.js';

/**
 * Removing the second factor of someone who lost their device and their recovery codes. Nothing is
 * typed: the dialog says what happens, and the server's refusal (someone above the caller, 2FA already
 * off) is shown in place.
 */
export function ResetTwoFactorDialog({
  user,
  onDone,
  onCancel,
}: {
  user: UserView;
  onDone: (revokedSessions: number) => void;
  onCancel: () => void;
}): ReactElement {
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function confirm(): Promise<void> {
    if (busy) return;
    setBusy(true);
    setFailure(undefined);
    const result = await api.resetSecondFactor(user.id);
    setBusy(false);
    if (result.ok) onDone(result.value.revokedSessions);
    else setFailure(result.error.message);
  }

  return (
    <ConfirmDialog
      open
      title="Reset two-factor sign-in?"
      confirmLabel={busy ? 'Resetting…' : 'Reset two-factor'}
      danger
      testId="reset-2fa-dialog"
      onConfirm={() => void confirm()}
      onCancel={onCancel}
    >
      <p>
        The authenticator app and the recovery codes of <strong className="break-anywhere">{user.email}</strong> stop
        working, and all of their sessions end at once.
      </p>
      <p>
        They then sign in with their password alone. If the workspace requires two-factor sign-in, they are asked to set
        it up again before anything else. Do this only once you are sure who asked.
      </p>
      {failure ? (
        <Alert tone="error" title="The server refused" testId="reset-2fa-failure">
          <p>{failure}</p>
        </Alert>
      ) : null}
    </ConfirmDialog>
  );
}
