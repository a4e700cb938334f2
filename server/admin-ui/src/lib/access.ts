import { createContext, useContext } from 'react';
import type { AdminAccess } from '../../../../common/api/server-admin-accounts.js';

/**
 * What the pages offer the signed-in user, read from the scopes the session reports (the same the
 * routes are declared with, server/http/route-access.ts). Only what is shown depends on it: the
 * server judges every call again, and its refusal is shown when it says no.
 */
export type Abilities = {
  /** Users, teams and roles can be read (users: view). */
  seeDirectory: boolean;
  /** New accounts (users: create, whole workspace). */
  createUsers: boolean;
  /** Teams, roles, disabling accounts: changes that reshape the workspace (users: edit, whole workspace). */
  editWorkspaceDirectory: boolean;
  /** Assigning roles and ending sessions of the users in reach (users: edit at any scope). */
  editUsers: boolean;
  /** Deciding others' access requests: users: edit over a team or everyone. */
  reviewGrants: boolean;
  /** Workspace settings, single sign-on, the audit log (settings: view, whole workspace). */
  seeWorkspace: boolean;
  /** Changing the workspace settings and single sign-on (settings: edit, whole workspace). */
  editWorkspace: boolean;
};

export function abilitiesOf(access: AdminAccess): Abilities {
  return {
    seeDirectory: access.users.view !== 'none',
    createUsers: access.users.create === 'all',
    editWorkspaceDirectory: access.users.edit === 'all',
    editUsers: access.users.edit !== 'none',
    reviewGrants: access.users.edit === 'team' || access.users.edit === 'all',
    seeWorkspace: access.settings.view === 'all',
    editWorkspace: access.settings.edit === 'all',
  };
}

/** Something here to administer: otherwise the app says so instead of showing empty pages. */
export function mayAdminister(abilities: Abilities): boolean {
  return abilities.seeDirectory || abilities.reviewGrants || abilities.seeWorkspace;
}

const NOTHING: Abilities = abilitiesOf({
  users: { view: 'none', create: 'none', edit: 'none' },
  settings: { view: 'none', edit: 'none' },
});

export const AbilitiesContext = createContext<Abilities>(NOTHING);

export function useAbilities(): Abilities {
  return useContext(AbilitiesContext);
}
