import { z } from 'zod';
import { RbacAction, RbacObject } from '../rbac/permissions.js';

/**
 * Just-in-time grants (issue 7): a user asks the team server for one extra permission for a while,
 * with a reason; someone allowed to approve it does, possibly for less time, or denies it. An
 * approved grant goes into the user's signed policy until it expires. Shared by the server's routes,
 * the desktop's team client and the admin pages.
 */

/** The longest a workspace may let a grant last: 7 days. */
export const GRANT_MAX_MINUTES_LIMIT = 7 * 24 * 60;
/** The workspace's maximum until an admin changes it: 8 hours. */
export const DEFAULT_GRANT_MAX_MINUTES = 8 * 60;
/** Requests a user may have waiting at once, so nobody floods the approvers. */
export const MAX_PENDING_GRANTS_PER_USER = 5;

export const GrantMinutes = z.number().int().min(1).max(GRANT_MAX_MINUTES_LIMIT);

/** A grant always widens something: 'none' is not a scope one asks for. */
export const GrantScope = z.enum(['own', 'team', 'all']);
export type GrantScope = z.infer<typeof GrantScope>;

export const GrantRequestInput = z
  .object({
    object: RbacObject,
    action: RbacAction,
    scope: GrantScope,
    /** Counted from the approval; at most the workspace's maximum (checked by the server). */
    minutes: GrantMinutes,
    reason: z.string().trim().min(1, 'Say why you need it.').max(500),
  })
  .strict();
export type GrantRequestInput = z.infer<typeof GrantRequestInput>;

/** Approve: for the requested duration, or shorter. */
export const GrantApproveInput = z.object({ minutes: GrantMinutes.optional() }).strict();
export type GrantApproveInput = z.infer<typeof GrantApproveInput>;

/** Deny or revoke, with an optional note the requester sees. */
export const GrantDecisionInput = z.object({ note: z.string().trim().max(500).optional() }).strict();
export type GrantDecisionInput = z.infer<typeof GrantDecisionInput>;

export const GrantStatus = z.enum(['pending', 'approved', 'denied', 'cancelled', 'revoked', 'expired']);
export type GrantStatus = z.infer<typeof GrantStatus>;

export const GrantView = z.object({
  id: z.string(),
  userId: z.string(),
  userEmail: z.string(),
  object: RbacObject,
  action: RbacAction,
  scope: GrantScope,
  reason: z.string(),
  requestedMinutes: z.number().int(),
  status: GrantStatus,
  requestedAt: z.string(),
  /** Who approved or denied it, and when. */
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  approvedMinutes: z.number().int().nullable(),
  /** Set once approved: the grant counts until then. */
  expiresAt: z.string().nullable(),
  /** When it was cancelled, revoked or found expired. */
  endedAt: z.string().nullable(),
  note: z.string().nullable(),
});
export type GrantView = z.infer<typeof GrantView>;
