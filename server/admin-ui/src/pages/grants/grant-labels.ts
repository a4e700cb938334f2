import type { GrantScope, GrantStatus, GrantView } from '../../../../../common/api/server-grants.js';
import type { RbacAction, RbacObject } from '../../../../../common/rbac/permissions.js';

/**
 * Words for access requests as an approver reads them ("Export contacts, their team's records, for
 * 2 hours"); the desktop's request form words the same things from the requester's side.
 */
const OBJECTS: Record<RbacObject, string> = {
  contact: 'contacts',
  company: 'companies',
  deal: 'deals',
  email: 'email',
  note: 'notes',
  task: 'tasks',
  report: 'reports',
  settings: 'settings',
  users: 'users and teams',
};

const ACTIONS: Record<RbacAction, string> = {
  view: 'View',
  create: 'Create',
  edit: 'Edit',
  delete: 'Delete',
  communicate: 'Send email to',
  export: 'Export',
};

export const SCOPES: Record<GrantScope, string> = {
  own: 'their own records',
  team: 'their team’s records',
  all: 'everyone’s records',
};

/** "Export contacts". */
export function permissionLabel(grant: Pick<GrantView, 'object' | 'action'>): string {
  return `${ACTIONS[grant.action]} ${OBJECTS[grant.object]}`;
}

/** Durations a request may be shortened to (the desktop offers the same steps to ask for). */
const STEPS = [15, 30, 60, 120, 240, 480, 1440, 4320, 10080];

/** "45 minutes", "2 hours", "1 hour 30 minutes", "3 days". */
export function durationLabel(minutes: number): string {
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (minutes % 1440 === 0) return plural(minutes / 1440, 'day');
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? plural(hours, 'hour') : `${plural(hours, 'hour')} ${plural(rest, 'minute')}`;
}

/** What an approver may give: what was asked, or one of the shorter steps. */
export function approvableDurations(requested: number): number[] {
  return [requested, ...STEPS.filter((step) => step < requested).reverse()];
}

export const STATUS_BADGES: Record<GrantStatus, { label: string; tone: string }> = {
  pending: { label: 'Waiting', tone: 'badge-warning' },
  approved: { label: 'Active', tone: 'badge-success' },
  denied: { label: 'Denied', tone: 'badge-danger' },
  cancelled: { label: 'Withdrawn', tone: 'badge-neutral' },
  revoked: { label: 'Revoked', tone: 'badge-danger' },
  expired: { label: 'Expired', tone: 'badge-neutral' },
};

/** "in 1 hour 59 minutes", "in less than a minute": how long a grant in force has left. */
export function remainingLabel(expiresAt: string, now: number): string {
  const minutes = Math.floor((Date.parse(expiresAt) - now) / 60_000);
  return minutes < 1 ? 'in less than a minute' : `in ${durationLabel(minutes)}`;
}
