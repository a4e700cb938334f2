import { useState, type ReactElement } from 'react';
import type { RoleView, UserView } from '../../../../../common/api/server-admin.js';
import { Alert } from '../../../../../ui/Alert.js';
import { ConfirmDialog } from '../../../../../ui/ConfirmDialog.js';
import { api } from '../../api/admin.js';
import { ReadOnly } from '../../components/ReadOnly.js';
import { useAbilities } from '../../lib/access.js';
import { sessionCount } from '../../lib/format.js';
import { ResetPasswordDialog } from './ResetPasswordDialog.js';
import { ResetTwoFactorDialog } from './ResetTwoFactorDialog.js';
import { UserIdentities } from './UserIdentities.js';
import { UserSessions } from './UserSessions.js';
import { UserStatusBadges } from './UserStatusBadges.js';

/** One user: which roles they hold (each box assigns or removes at once), their state, their sessions. */
export function UserDetail({
  user,
  roles,
  isSelf,
  onChanged,
}: {
  user: UserView;
  roles: RoleView[];
  isSelf: boolean;
  onChanged: () => void;
}): ReactElement {
  const [failure, setFailure] = useState<string>();
  const [pending, setPending] = useState<string>();
  const [confirmDisable, setConfirmDisable] = useState(false);
  const [sessionsRound, setSessionsRound] = useState(0);
  const [resetting, setResetting] = useState<'password' | 'second-factor'>();
  const [notice, setNotice] = useState<string>();
  const abilities = useAbilities();

  function reset(done: string): void {
    setResetting(undefined);
    setNotice(done);
    setSessionsRound((n) => n + 1);
    onChanged();
  }

  async function toggleRole(role: RoleView, hold: boolean): Promise<void> {
    setPending(role.id);
    setFailure(undefined);
    const result = hold ? await api.assignRole(user.id, role.id) : await api.unassignRole(user.id, role.id);
    setPending(undefined);
    if (!result.ok) return setFailure(result.error.message);
    onChanged();
  }

  async function setDisabled(disabled: boolean): Promise<void> {
    setConfirmDisable(false);
    setFailure(undefined);
    const result = await api.setUserDisabled(user.id, disabled);
    if (!result.ok) return setFailure(result.error.message);
    setSessionsRound((n) => n + 1);
    onChanged();
  }

  return (
    <section className="card detail-card" aria-labelledby="user-detail-title" data-testid="user-detail">
      <h2 className="card-title break-anywhere" id="user-detail-title">
        {user.email}
      </h2>
      <UserStatusBadges user={user} />
      {failure ? (
        <Alert tone="error" testId="user-detail-error">
          <p>{failure}</p>
        </Alert>
      ) : null}

      <ReadOnly readOnly={!abilities.editUsers}>
        <fieldset className="detail-section">
          <legend className="section-label">Roles</legend>
          <p className="field-hint">The widest grant of the roles held wins; a hidden field stays hidden.</p>
          <ul className="check-list">
            {roles.map((role) => (
              <li key={role.id}>
                <label className="choice">
                  <input
                    type="checkbox"
                    checked={user.roleIds.includes(role.id)}
                    disabled={pending === role.id}
                    onChange={(event) => void toggleRole(role, event.target.checked)}
                    data-testid={`user-role-${role.name}`}
                  />
                  <span>{role.name}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      </ReadOnly>

      {/* Disabling locks someone out of everything: a whole-workspace power (users: edit, all). */}
      {abilities.editWorkspaceDirectory ? (
        <div className="detail-section">
          <h3 className="section-label">Account</h3>
          {user.disabled ? (
            <button
              type="button"
              className="btn btn-secondary btn-small"
              onClick={() => void setDisabled(false)}
              data-testid="user-enable"
            >
              Enable account
            </button>
          ) : (
            <>
              <button
                type="button"
                className="btn btn-secondary btn-small"
                disabled={isSelf}
                onClick={() => setConfirmDisable(true)}
                data-testid="user-disable"
              >
                Disable account
              </button>
              {isSelf ? <p className="field-hint">This is you: another admin can disable your account.</p> : null}
            </>
          )}
        </div>
      ) : null}

      {/* Account recovery: for the users in reach; the server also refuses anyone above the caller. */}
      {abilities.editUsers ? (
        <div className="detail-section" data-testid="user-recovery">
          <h3 className="section-label">Sign-in</h3>
          {notice ? (
            <Alert tone="success" testId="user-recovery-done">
              <p>{notice}</p>
            </Alert>
          ) : null}
          {isSelf ? (
            <p className="field-hint">This is you: change your password under Settings.</p>
          ) : (
            <div className="actions actions-tight">
              <button
                type="button"
                className="btn btn-secondary btn-small"
                onClick={() => setResetting('password')}
                data-testid="user-reset-password"
              >
                Reset password…
              </button>
              {user.twoFactorEnabled ? (
                <button
                  type="button"
                  className="btn btn-secondary btn-small"
                  onClick={() => setResetting('second-factor')}
                  data-testid="user-reset-2fa"
                >
                  Reset two-factor…
                </button>
              ) : null}
            </div>
          )}
        </div>
      ) : null}

      <UserIdentities
        userId={user.id}
        email={user.email}
        mayUnlink={abilities.editUsers && !isSelf}
        onUnlinked={(revoked) => reset(`Identity unlinked. ${sessionCount(revoked)} signed out.`)}
      />
      <UserSessions key={sessionsRound} userId={user.id} mayRevoke={abilities.editUsers} />

      {resetting === 'password' ? (
        <ResetPasswordDialog
          user={user}
          onCancel={() => setResetting(undefined)}
          onDone={(revoked) => reset(`Password reset. ${sessionCount(revoked)} signed out.`)}
        />
      ) : null}
      {resetting === 'second-factor' ? (
        <ResetTwoFactorDialog
          user={user}
          onCancel={() => setResetting(undefined)}
          onDone={(revoked) => reset(`Two-factor sign-in removed. ${sessionCount(revoked)} signed out.`)}
        />
      ) : null}

      <ConfirmDialog
        open={confirmDisable}
        title="Disable this account?"
        confirmLabel="Disable"
        danger
        onConfirm={() => void setDisabled(true)}
        onCancel={() => setConfirmDisable(false)}
      >
        <p>
          <span className="break-anywhere">{user.email}</span> is signed out everywhere at once and can&apos;t sign in
          until the account is enabled again.
        </p>
      </ConfirmDialog>
    </section>
  );
}
