import type { ReactElement } from 'react';
import { RbacAction, RbacObject, Scope, type PermissionTable } from '../../../../../common/rbac/permissions.js';
import { ACTION_LABELS, OBJECT_LABELS, SCOPE_LABELS } from './labels.js';
import { scopeIn, withScope } from './role-draft.js';

/**
 * Objects × actions, each cell a scope. A real table (row and column headers) with a labelled select
 * per cell, so a screen reader says "Contacts, Export: Team" and the keyboard walks it with Tab.
 */
export function PermissionMatrix({
  permissions,
  onChange,
}: {
  permissions: PermissionTable;
  onChange: (permissions: PermissionTable) => void;
}): ReactElement {
  return (
    <div className="matrix-scroll">
      <table className="matrix" aria-labelledby="matrix-title" data-testid="role-matrix">
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">Records</span>
            </th>
            {RbacAction.options.map((action) => (
              <th key={action} scope="col">
                {ACTION_LABELS[action]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {RbacObject.options.map((object) => (
            <tr key={object}>
              <th scope="row">{OBJECT_LABELS[object]}</th>
              {RbacAction.options.map((action) => {
                const scope = scopeIn(permissions, object, action);
                return (
                  <td key={action}>
                    <select
                      className={`input select scope-select scope-${scope}`}
                      aria-label={`${OBJECT_LABELS[object]}, ${ACTION_LABELS[action]}`}
                      value={scope}
                      onChange={(event) =>
                        onChange(withScope(permissions, object, action, Scope.parse(event.target.value)))
                      }
                      data-testid={`matrix-${object}-${action}`}
                    >
                      {Scope.options.map((option) => (
                        <option key={option} value={option}>
                          {SCOPE_LABELS[option]}
                        </option>
                      ))}
                    </select>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
