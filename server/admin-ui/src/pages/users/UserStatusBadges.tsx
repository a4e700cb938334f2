import type { ReactElement } from 'react';
import type { UserView } from '../../../../../common/api/server-admin.js';

/** Admin, disabled and 2FA at a glance, as words (never colour alone). */
export function UserStatusBadges({ user }: { user: UserView }): ReactElement {
  return (
    <span className="chips">
      {user.disabled ? (
        <span className="badge badge-danger">Disabled</span>
      ) : (
        <span className="badge badge-success">Active</span>
      )}
      {user.isAdmin ? <span className="badge badge-accent">Admin</span> : null}
      {user.twoFactorEnabled ? <span className="badge badge-neutral">2FA</span> : null}
    </span>
  );
}
