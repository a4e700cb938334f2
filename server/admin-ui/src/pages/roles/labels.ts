import type { EmailVisibility, RbacAction, RbacObject, Scope } from '../../../../../common/rbac/permissions.js';

/** Words for the role matrix; the values themselves come from common/rbac, so nothing is missed. */
export const OBJECT_LABELS: Record<RbacObject, string> = {
  contact: 'Contacts',
  company: 'Companies',
  deal: 'Deals',
  email: 'Email',
  note: 'Notes',
  task: 'Tasks',
  report: 'Reports',
  settings: 'Settings',
  users: 'Users',
};

export const ACTION_LABELS: Record<RbacAction, string> = {
  view: 'View',
  create: 'Create',
  edit: 'Edit',
  delete: 'Delete',
  communicate: 'Communicate',
  export: 'Export',
};

export const SCOPE_LABELS: Record<Scope, string> = {
  none: 'None',
  own: 'Own',
  team: 'Team',
  all: 'All',
};

export const EMAIL_VISIBILITY_LABELS: Record<EmailVisibility, string> = {
  metadata: 'Metadata only (from, to, date)',
  subject: 'Subject too',
  full: 'Full message',
};

/** Fields the desktop knows how to hide today (main/rbac/output-filters.ts); others may be typed. */
export const KNOWN_FIELDS: Partial<Record<RbacObject, string[]>> = {
  deal: ['amount'],
};
