import { useState, type ReactElement } from 'react';
import type { UserIdentityView } from '../../../../../common/api/server-admin-accounts.js';
import { Alert } from '../../../../../ui/Alert.js';
import { ConfirmDialog } from '../../../../../ui/ConfirmDialog.js';
import { api } from '../../api/admin.js';
import { formatDate } from '../../lib/format.js';
import { useLoad } from '../../lib/useLoad.js';

/**
 * The identity-provider accounts a user signs in with (single sign-on), shown only when there is one.
 * Unlinking is the way out of "linked to another identity ... Ask your admin": the next single sign-on
 * with the account's email links again. Not offered on one's own account (the server refuses it too).
 */
export function UserIdentities({
  userId,
  email,
  mayUnlink,
  onUnlinked,
}: {
  userId: string;
  /** The account's email, for the confirmation. */
  email: string;
  mayUnlink: boolean;
  onUnlinked: (revokedSessions: number) => void;
}): ReactElement | null {
  const [identities, reload] = useLoad(() => api.userIdentities(userId), userId);
  const [confirming, setConfirming] = useState<UserIdentityView>();
  const [failure, setFailure] = useState<string>();

  async function unlink(identity: UserIdentityView): Promise<void> {
    setConfirming(undefined);
    setFailure(undefined);
    const result = await api.unlinkIdentity(userId, identity.id);
    reload();
    if (!result.ok) return setFailure(result.error.message);
    onUnlinked(result.value.revokedSessions);
  }

  // Nothing to say for an account that never signed in through an identity provider.
  if (identities.state !== 'ready' || (identities.value.length === 0 && !failure)) return null;
  return (
    <div className="detail-section" data-testid="user-identities">
      <h3 className="section-label">Single sign-on</h3>
      {failure ? (
        <Alert tone="error" testId="user-identity-failure">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <ul className="session-list">
        {identities.value.map((identity) => (
          <li key={identity.id} className="session-row" data-testid="user-identity">
            <div className="session-text">
              <span className="break-anywhere">
                {identity.email} at {identity.issuer}
              </span>
              <span className="text-secondary">
                <span className="break-anywhere">Subject {identity.subject}</span> · linked{' '}
                {formatDate(identity.linkedAt)} · last sign-in {formatDate(identity.lastSignInAt)}
              </span>
            </div>
            {mayUnlink ? (
              <button
                type="button"
                className="btn btn-secondary btn-small"
                onClick={() => setConfirming(identity)}
                data-testid="user-identity-unlink"
              >
                Unlink…
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={confirming !== undefined}
        title="Unlink this identity?"
        confirmLabel="Unlink"
        danger
        testId="unlink-identity-dialog"
        onConfirm={() => confirming && void unlink(confirming)}
        onCancel={() => setConfirming(undefined)}
      >
        <p>
          <span className="break-anywhere">{confirming?.email}</span> at {confirming?.issuer} no longer signs in as{' '}
          <span className="break-anywhere">{email}</span>, and the sessions opened through single sign-on end. The next
          single sign-on with this account&apos;s email links that identity instead.
        </p>
      </ConfirmDialog>
    </div>
  );
}
