import type { ReactElement } from 'react';
import type { UserView } from '../../../../../common/api/server-admin.js';

/**
 * Active or disabled and 2FA at a glance, as words (never colour alone). What a user may do is their
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
    </span>
  );
}
