import {
  RbacAction,
  RbacObject,
  type EmailVisibility,
  type FieldRules,
  type PermissionTable,
  type Scope,
} from '../../common/rbac/permissions.js';

type SeedRole = {
  name: string;
  permissions: PermissionTable;
  fieldRules: FieldRules;
  emailVisibility: EmailVisibility;
};

const WORK_OBJECTS = ['contact', 'company', 'deal', 'email', 'note', 'task', 'report'] as const;

function every(scope: Scope, actions: readonly RbacAction[] = RbacAction.options): Partial<Record<RbacAction, Scope>> {
  return Object.fromEntries(actions.map((action) => [action, scope]));
}

/**
 * The roles a new workspace starts with (migration 0002); the admin edits them like any other.
 * Admin: everything. Sales manager: the team's work, export included, and the team's people
 * (users: edit 'team' lets a manager give a team member a role within their own rights and approve
 * their just-in-time grants). Sales rep: sees the team's contacts and companies, works on their own
 * records, and may not export. `settings` at scope 'own' is the user's own desktop settings; the
 * workspace's settings on the server need scope 'all' (migration 0005 narrowed workspaces seeded
 * before; it never widens an existing role, so older workspaces' managers get users: edit 'team'
 * only when an admin adds it).
 */
export const SEED_ROLES: readonly SeedRole[] = [
  {
    name: 'Admin',
    permissions: Object.fromEntries(RbacObject.options.map((object) => [object, every('all')])),
    fieldRules: {},
    emailVisibility: 'full',
  },
  {
    name: 'Sales manager',
    permissions: {
      ...Object.fromEntries(WORK_OBJECTS.map((object) => [object, every('team')])),
      settings: { view: 'own', edit: 'own' },
      users: { view: 'team', edit: 'team' },
    },
    fieldRules: {},
    emailVisibility: 'full',
  },
  {
    name: 'Sales rep',
    permissions: {
      contact: { view: 'team', create: 'own', edit: 'own', communicate: 'own' },
      company: { view: 'team', create: 'own', edit: 'own' },
      deal: { view: 'own', create: 'own', edit: 'own', delete: 'own' },
      email: { view: 'own', communicate: 'own' },
      note: { view: 'own', create: 'own', edit: 'own', delete: 'own' },
      task: { view: 'own', create: 'own', edit: 'own', delete: 'own' },
      report: { view: 'own' },
      settings: { view: 'own', edit: 'own' },
    },
    fieldRules: {},
    emailVisibility: 'full',
  },
];
