import { z } from 'zod';

/**
 * The per-label Gmail checkpoint (opaque to the engine, committed with each page):
 *
 * - `full`: the first sync lists the label newest first (messages.list, q=after:<since>); `pageToken`
 *   is the next page to list, so a crash resumes where the last committed page ended. `historyId`
 *   is the mailbox's historyId captured before the first page: once listing ends, history from
 *   there brings whatever changed meanwhile.
 * - `incremental`: history.list(startHistoryId=historyId, labelId=label) on each pass.
 */
export const GmailCursor = z.object({
  v: z.literal(1),
  label: z.string(),
  phase: z.enum(['full', 'incremental']),
  historyId: z.string().regex(/^\d+$/),
  /** The next messages.list page of the full sync; null before its first page. */
  pageToken: z.string().nullable(),
  /** The `after:` bound of the full sync (epoch seconds), null for everything. */
  after: z.number().int().nonnegative().nullable(),
  /** Messages in the label within the scope, as last counted or estimated. */
  remoteTotal: z.number().int().nonnegative(),
});
export type GmailCursor = z.infer<typeof GmailCursor>;

/** The cursor, or null when absent, unreadable or of another label (a fresh full sync then). */
export function parseGmailCursor(text: string | null, label: string): GmailCursor | null {
  if (!text) return null;
  try {
    const parsed = GmailCursor.safeParse(JSON.parse(text));
    return parsed.success && parsed.data.label === label ? parsed.data : null;
  } catch {
    return null;
  }
}

export function serializeGmailCursor(cursor: GmailCursor): string {
  return JSON.stringify(cursor);
}

/** A fresh full sync of `label` from `historyId`, bounded by `since`. */
export function startCursor(label: string, historyId: string, since: Date | null): GmailCursor {
  return {
    v: 1,
    label,
    phase: 'full',
    historyId,
    pageToken: null,
    after: since ? Math.floor(since.getTime() / 1000) : null,
    remoteTotal: 0,
  };
}
