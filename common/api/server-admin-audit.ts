import { z } from 'zod';

/**
 * The admin pages' read side of the audit log: `GET /api/admin/audit` pages through the hash-chained
 * log newest first, `GET /api/admin/audit/actions` names the actions it holds (for the filter), and
 * `GET /api/admin/audit/verify` walks the chain like `npm run server -- audit verify`.
 */

export const AUDIT_PAGE_MAX = 200;
export const AUDIT_PAGE_DEFAULT = 50;

/** Query string values arrive as text; numbers are coerced, empty filters mean "any". */
export const AuditQuery = z
  .object({
    /** Entries strictly older than this sequence number (the `next` of the previous page). */
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(AUDIT_PAGE_DEFAULT),
    action: z.string().trim().max(100).optional(),
    /** A user id, or `system` for entries with no actor (failed logins of unknown accounts...). */
    actor: z.union([z.uuid(), z.literal('system')]).optional(),
  })
  .strict();
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntryView = z.object({
  seq: z.number().int(),
  /** ISO 8601, the server's clock. */
  at: z.string(),
  actorUserId: z.string().nullable(),
  /** The actor's current email, when the actor is a user who still exists. */
  actorEmail: z.string().nullable(),
  source: z.enum(['server', 'client']),
  action: z.string(),
  target: z.string().nullable(),
  /** The stored details, parsed (the hash covers their canonical JSON text). */
  details: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const AuditPage = z.object({
  entries: z.array(AuditEntryView),
  /** Pass as `before` for the next (older) page; null at the first entry. */
  next: z.number().int().nullable(),
});
export type AuditPage = z.infer<typeof AuditPage>;

export const AuditActions = z.object({ actions: z.array(z.string()) });
export type AuditActions = z.infer<typeof AuditActions>;

export const AuditVerifyView = z.union([
  z.object({ ok: z.literal(true), entries: z.number().int(), headSeq: z.number().int(), headHash: z.string() }),
  z.object({
    ok: z.literal(false),
    entries: z.number().int(),
    problem: z.object({
      kind: z.enum(['missing_entry', 'out_of_sequence', 'broken_link', 'hash_mismatch']),
      seq: z.number().int(),
      message: z.string(),
    }),
  }),
]);
export type AuditVerifyView = z.infer<typeof AuditVerifyView>;
