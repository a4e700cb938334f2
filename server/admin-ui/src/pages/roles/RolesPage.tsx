import type { ReactElement } from 'react';
import { api } from '../../api/admin.js';
import { LoadState } from '../../components/LoadState.js';
import { ReadOnly, ReadOnlyNotice } from '../../components/ReadOnly.js';
import { useAbilities } from '../../lib/access.js';
import { BASE, followLink, navigate } from '../../lib/router.js';
import { useLoad } from '../../lib/useLoad.js';
import { RoleEditor } from './RoleEditor.js';

/**
 * Roles as permission sets: the list on the left, the chosen role's matrix on the right. The chosen
 * role is in the path (/admin/roles/<id>, /admin/roles/new), so a role can be linked to.
 */
export function RolesPage({ path }: { path: string }): ReactElement {
  const [roles, reload] = useLoad(api.roles);
  // Who holds what, to tell before a delete the server would refuse (a users:view caller sees their reach).
  const [users, reloadUsers] = useLoad(api.users);
  const chosen = path.startsWith('/roles/') ? path.slice('/roles/'.length) : undefined;
  // A role's definition reaches every holder: changing roles is a whole-workspace power.
  const { editWorkspaceDirectory: editable } = useAbilities();

  return (
    <div className="page page-wide">
      {editable ? null : <ReadOnlyNotice>Your roles let you see what each role allows, not change it.</ReadOnlyNotice>}
      <LoadState loaded={roles}>
        {(list) => {
          const role = list.find((item) => item.id === chosen);
          const creating = chosen === 'new' && editable;
          return (
            <div className="split split-list">
              <nav className="card role-list" aria-label="Roles">
                <ul>
                  {list.map((item) => (
                    <li key={item.id}>
                      <a
                        href={`${BASE}/roles/${item.id}`}
                        className={item.id === chosen ? 'role-link role-link-current' : 'role-link'}
                        aria-current={item.id === chosen ? 'page' : undefined}
                        onClick={(event) => followLink(event, `/roles/${item.id}`)}
                        data-testid="role-open"
                      >
                        {item.name}
                      </a>
                    </li>
                  ))}
                </ul>
                {editable ? (
                  <a
                    href={`${BASE}/roles/new`}
                    className="btn btn-secondary btn-small role-new"
                    onClick={(event) => followLink(event, '/roles/new')}
                    data-testid="role-new"
                  >
                    New role
                  </a>
                ) : null}
              </nav>
              {role || creating ? (
                <ReadOnly readOnly={!editable}>
                  <RoleEditor
                    key={role?.id ?? 'new'}
                    role={role}
                    holders={
                      role && users.state === 'ready'
                        ? users.value.filter((user) => user.roleIds.includes(role.id)).length
                        : undefined
                    }
                    onSaved={(saved) => {
                      reload();
                      if (creating) navigate(`/roles/${saved.id}`, { replace: true });
                    }}
                    onDeleted={() => {
                      reload();
                      reloadUsers();
                      navigate('/roles', { replace: true });
                    }}
                  />
                </ReadOnly>
              ) : (
                <div className="card detail-card detail-card-empty" data-testid="role-none">
                  <p className="text-secondary">
                    Choose a role to edit what it allows, or make a new one. A user may hold several roles: the widest
                    grant wins, and a field one role hides stays hidden.
                  </p>
                </div>
              )}
            </div>
          );
        }}
      </LoadState>
    </div>
  );
}
