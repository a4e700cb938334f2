import type { GrantView } from '../../common/api/server-grants.js';
import { GrantScope, GrantStatus } from '../../common/api/server-grants.js';
import { RbacAction, RbacObject, type Grant } from '../../common/rbac/permissions.js';
import type { AccessGrantsTable } from '../db/schema.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());

/** A stored grant in the API's shape (names checked again: the row is only text to the database). */
export function grantView(row: AccessGrantsTable, userEmail: string): GrantView {
  return {
    id: row.id,
    userId: row.user_id,
    userEmail,
    object: RbacObject.parse(row.object),
    action: RbacAction.parse(row.action),
    scope: GrantScope.parse(row.scope),
    reason: row.reason,
    requestedMinutes: Number(row.requested_minutes),
    status: GrantStatus.parse(row.status),
    requestedAt: iso(row.requested_at)!,
    decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at),
    approvedMinutes: row.approved_minutes === null ? null : Number(row.approved_minutes),
    expiresAt: iso(row.expires_at),
    endedAt: iso(row.ended_at),
    note: row.note,
  };
}

/** An approved grant as the signed policy carries it (common/rbac Grant). */
export function policyGrant(row: AccessGrantsTable): Grant {
  return {
    id: row.id,
    object: RbacObject.parse(row.object),
    action: RbacAction.parse(row.action),
    scope: GrantScope.parse(row.scope),
    expiresAt: iso(row.expires_at)!,
  };
}

/** The audit details of a grant: what it gives and for how long, never more. */
export function grantFacts(row: AccessGrantsTable): Record<string, unknown> {
  return {
    grantId: row.id,
    userId: row.user_id,
    object: row.object,
    action: row.action,
    scope: row.scope,
  };
}
