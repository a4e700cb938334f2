import type { ReactElement } from 'react';
import type { UserView } from '../../../../../common/api/server-admin.js';

/**
 * Active or disabled, 2FA and a temporary password at a glance, as words (never colour alone). What a user may do is their
 * roles (the Roles column); the old admin flag only marks who set the workspace up, so it is not shown.
 */
export function UserStatusBadges({ user }: { user: UserView }): ReactElement {
  return (
    <span className="chips">
      {user.disabled ? (
        <span className="badge badge-danger">Disabled</span>
      ) : (
        <span className="badge badge-success">Active</span>
      )}
      {user.twoFactorEnabled ? <span className="badge badge-neutral">2FA</span> : null}
      {user.passwordChangeRequired ? (
        <span
          className="badge badge-warning"
          title="An administrator set this password: the next sign-in must choose a new one."
        >
          Temporary password
        </span>
      ) : null}
    </span>
  );
}
