import { z } from 'zod';

export const RbacObject = z.enum([
  'contact',
  'company',
  'deal',
  'email',
  'note',
  'task',
  'report',
  'settings',
  'users',
]);
export type RbacObject = z.infer<typeof RbacObject>;

export const RbacAction = z.enum(['view', 'create', 'edit', 'delete', 'communicate', 'export']);
export type RbacAction = z.infer<typeof RbacAction>;

/** Ordered from narrowest to widest: the widest grant wins when roles combine. */
export const Scope = z.enum(['none', 'own', 'team', 'all']);
export type Scope = z.infer<typeof Scope>;

export const SCOPE_RANK: Record<Scope, number> = { none: 0, own: 1, team: 2, all: 3 };

export type Permission = { object: RbacObject; action: RbacAction };

/** object -> action -> scope. Anything missing is 'none': deny by default. */
export const PermissionTable = z.partialRecord(RbacObject, z.partialRecord(RbacAction, Scope));
export type PermissionTable = z.infer<typeof PermissionTable>;

/**
 * Fields of an object a role may not see (e.g. `{ deal: { amount: 'hidden' } }`). When roles combine,
 * a field hidden by any of them stays hidden: a field deny always wins.
 */
export const FieldRules = z.partialRecord(
  RbacObject,
  z.record(z.string().min(1).max(64), z.enum(['hidden', 'visible'])),
);
export type FieldRules = z.infer<typeof FieldRules>;

/** How much of an email a role may read, narrowest first: headers only, plus the subject, or everything. */
export const EmailVisibility = z.enum(['metadata', 'subject', 'full']);
export type EmailVisibility = z.infer<typeof EmailVisibility>;

export const EMAIL_VISIBILITY_RANK: Record<EmailVisibility, number> = { metadata: 0, subject: 1, full: 2 };

/** A just-in-time grant: one extra permission that counts only until it expires. */
export const Grant = z.object({
  id: z.string().min(1).max(100),
  object: RbacObject,
  action: RbacAction,
  scope: Scope,
  expiresAt: z.iso.datetime({ offset: true }),
});
export type Grant = z.infer<typeof Grant>;

export const Policy = z.object({
  /** 'local' for a profile that is not enrolled with a team server. */
  source: z.enum(['local', 'server']),
  userId: z.string(),
  permissions: PermissionTable,
  /** Absent: every field visible. */
  fieldRules: FieldRules.optional(),
  /** Absent: 'full'. */
  emailVisibility: EmailVisibility.optional(),
  /** Time-boxed extra permissions; each counts only while not expired. */
  grants: z.array(Grant).optional(),
  /**
   * Set when the policy can no longer be trusted in full (a server policy past its offline grace):
   * only 'view' actions pass, and every refusal gives this reason. Never widens anything.
   */
  readOnlyReason: z.string().optional(),
});
export type Policy = z.infer<typeof Policy>;

/** A solo profile (no team server) owns everything it stores. */
export function localOwnerPolicy(userId: string): Policy {
  const all = Object.fromEntries(RbacAction.options.map((action) => [action, 'all' as const]));
  return {
    source: 'local',
    userId,
    permissions: Object.fromEntries(RbacObject.options.map((object) => [object, all])),
  };
}
