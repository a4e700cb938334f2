import { z } from 'zod';

/**
 * The desktop's upload of its queued audit events (POST /api/audit/events). The server appends
 * each to its hash-chained log with source 'client' and the session's user as the actor: nothing
 * in the body says who acted.
 */

/** At most this many events per request; the desktop sends its outbox in batches of this size. */
export const AUDIT_UPLOAD_MAX_EVENTS = 100;

export const ClientAuditEvent = z.object({
  /** Random per event and kept with it in the outbox: a retry sends the same id, and is appended once. */
  id: z.uuid(),
  /** When it happened on the desktop (ISO 8601); the server records its own receive time as well. */
  at: z.iso.datetime({ offset: true }),
  /** What happened: 'call.forbidden', 'policy.rejected', 'export.csv', ... */
  kind: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'A dotted lower-case name'),
  detail: z.unknown(),
});
export type ClientAuditEvent = z.infer<typeof ClientAuditEvent>;

export const AuditUploadInput = z.object({
  events: z.array(ClientAuditEvent).min(1).max(AUDIT_UPLOAD_MAX_EVENTS),
});
export type AuditUploadInput = z.infer<typeof AuditUploadInput>;

export const AuditUploadOutput = z.object({
  /** Every id of the request: stored now or already before. The desktop may forget these. */
  acknowledged: z.array(z.string()),
  /** How many were new (the rest were retries). */
  appended: z.number().int().nonnegative(),
});
export type AuditUploadOutput = z.infer<typeof AuditUploadOutput>;
