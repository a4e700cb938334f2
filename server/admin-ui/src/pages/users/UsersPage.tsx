import { useState, type ReactElement } from 'react';
import type { RoleView, UserView } from '../../../../../common/api/server-admin.js';
import { EmptyState } from '../../../../../ui/EmptyState.js';
import { UsersIcon } from '../../../../../ui/icons.js';
import { api } from '../../api/admin.js';
import { LoadState } from '../../components/LoadState.js';
import { ReadOnlyNotice } from '../../components/ReadOnly.js';
import { useAbilities } from '../../lib/access.js';
import { useLoad } from '../../lib/useLoad.js';
import { NewUserForm } from './NewUserForm.js';
import { UserDetail } from './UserDetail.js';
import { UserStatusBadges } from './UserStatusBadges.js';

/** Everyone in the workspace, with their roles and state; a row opens the user's roles and sessions. */
export function UsersPage({ selfId }: { selfId: string }): ReactElement {
  const [users, reloadUsers] = useLoad(api.users);
  const [roles] = useLoad(api.roles);
  const [selected, setSelected] = useState<string>();
  const [creating, setCreating] = useState(false);
  const abilities = useAbilities();

  const roleNames = new Map((roles.state === 'ready' ? roles.value : []).map((role) => [role.id, role.name]));

  return (
    <div className="page">
      <div className="page-toolbar">
        <p className="text-secondary page-intro">
          Accounts sign in to the desktop app and, when their roles allow, here. Roles decide what each may do.
        </p>
        {abilities.createUsers ? (
          <button
            type="button"
            className="btn btn-primary"
            aria-expanded={creating}
            onClick={() => setCreating(!creating)}
            data-testid="user-new"
          >
            New user
          </button>
        ) : null}
      </div>
      {/* Said once here; the detail card disables its own controls. */}
      {abilities.editUsers ? null : (
        <ReadOnlyNotice>Your roles let you see these accounts, not change them.</ReadOnlyNotice>
      )}
      {creating && abilities.createUsers ? (
        <NewUserForm
          onCreated={(user) => {
            setCreating(false);
            setSelected(user.id);
            reloadUsers();
          }}
          onCancel={() => setCreating(false)}
        />
      ) : null}
      <LoadState loaded={users}>
        {(list) =>
          list.length === 0 ? (
            <EmptyState icon={<UsersIcon size={24} />} title="No users yet">
              <p>Create the accounts of your team with New user.</p>
            </EmptyState>
          ) : (
            <div className="split">
              <div className="table-card card">
                <table className="table" data-testid="users-table">
                  <thead>
                    <tr>
                      <th scope="col">Email</th>
                      <th scope="col">Roles</th>
                      <th scope="col">State</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((user) => (
                      <UserRow
                        key={user.id}
                        user={user}
                        roleNames={roleNames}
                        selected={user.id === selected}
                        onSelect={() => setSelected(user.id)}
                      />
                    ))}
                  </tbody>
                </table>
              </div>
              <SelectedUser
                user={list.find((user) => user.id === selected)}
                roles={roles.state === 'ready' ? roles.value : []}
                selfId={selfId}
                onChanged={reloadUsers}
              />
            </div>
          )
        }
      </LoadState>
    </div>
  );
}

function UserRow({
  user,
  roleNames,
  selected,
  onSelect,
}: {
  user: UserView;
  roleNames: Map<string, string>;
  selected: boolean;
  onSelect: () => void;
}): ReactElement {
  return (
    <tr className={selected ? 'row-selected' : undefined} data-testid="user-row">
      <td className="cell-primary">
        {/* The email is the row's button: Tab reaches it, Enter opens the user. */}
        <button
          type="button"
          className="link-button break-anywhere"
          aria-pressed={selected}
          onClick={onSelect}
          data-testid="user-open"
        >
          {user.email}
        </button>
      </td>
      <td>
        {user.roleIds.length === 0 ? (
          <span className="text-tertiary">No role</span>
        ) : (
          <span className="chips">
            {user.roleIds.map((id) => (
              <span key={id} className="chip">
                {roleNames.get(id) ?? 'Unknown role'}
              </span>
            ))}
          </span>
        )}
      </td>
      <td>
        <UserStatusBadges user={user} />
      </td>
    </tr>
  );
}

function SelectedUser({
  user,
  roles,
  selfId,
  onChanged,
}: {
  user: UserView | undefined;
  roles: RoleView[];
  selfId: string;
  onChanged: () => void;
}): ReactElement {
  if (!user) {
    return (
      <div className="card detail-card detail-card-empty" data-testid="user-detail-empty">
        <p className="text-secondary">Choose a user to see their roles and sessions.</p>
      </div>
    );
  }
  return <UserDetail key={user.id} user={user} roles={roles} isSelf={user.id === selfId} onChanged={onChanged} />;
}
