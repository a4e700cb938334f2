import type { GrantScope, GrantView } from '../../../../common/api/server-grants.js';
import type { RbacAction, RbacObject } from '../../../../common/rbac/permissions.js';

/** Words for just-in-time grants, shared by the request form and the list of requests. */
export const OBJECT_LABELS: Record<RbacObject, string> = {
  contact: 'Contacts',
  company: 'Companies',
  deal: 'Deals',
  email: 'Email',
  note: 'Notes',
  task: 'Tasks',
  report: 'Reports',
  settings: 'Settings',
  users: 'Users and teams',
};

export const ACTION_LABELS: Record<RbacAction, string> = {
  view: 'View',
  create: 'Create',
  edit: 'Edit',
  delete: 'Delete',
  communicate: 'Send email',
  export: 'Export',
};

export const SCOPE_LABELS: Record<GrantScope, string> = {
  own: 'My own records',
  team: "My team's records",
  all: 'Everyone’s records',
};

/** Durations offered; the server refuses more than the workspace allows and says how much that is. */
export const DURATIONS: readonly { minutes: number; label: string }[] = [
  { minutes: 15, label: '15 minutes' },
  { minutes: 30, label: '30 minutes' },
  { minutes: 60, label: '1 hour' },
  { minutes: 120, label: '2 hours' },
  { minutes: 240, label: '4 hours' },
  { minutes: 480, label: '8 hours' },
  { minutes: 1440, label: '1 day' },
  { minutes: 4320, label: '3 days' },
  { minutes: 10080, label: '7 days' },
];

export function durationLabel(minutes: number): string {
  return DURATIONS.find((d) => d.minutes === minutes)?.label ?? `${minutes} minutes`;
}

/** "Export contacts (my own records)". */
export function grantTitle(grant: Pick<GrantView, 'object' | 'action' | 'scope'>): string {
  return `${ACTION_LABELS[grant.action]} ${OBJECT_LABELS[grant.object].toLowerCase()} (${SCOPE_LABELS[grant.scope].toLowerCase()})`;
}

export type GrantState = GrantView['status'];

/**
 * The status as the user should read it now: an approved grant past its end is expired even before
 * the server has marked it so (the desktop stops honouring it at that moment too).
 */
export function currentStatus(grant: GrantView, now: number): GrantState {
  if (grant.status === 'approved' && grant.expiresAt !== null && Date.parse(grant.expiresAt) <= now) return 'expired';
  return grant.status;
}

export const STATUS_BADGES: Record<GrantState, { label: string; tone: string }> = {
  pending: { label: 'Waiting', tone: 'badge-warning' },
  approved: { label: 'Active', tone: 'badge-success' },
  denied: { label: 'Denied', tone: 'badge-danger' },
  cancelled: { label: 'Cancelled', tone: 'badge-neutral' },
  revoked: { label: 'Revoked', tone: 'badge-danger' },
  expired: { label: 'Expired', tone: 'badge-neutral' },
};
