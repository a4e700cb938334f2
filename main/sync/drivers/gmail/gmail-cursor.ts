import { z } from 'zod';

/**
 * The per-label Gmail checkpoint (opaque to the engine, committed with each page):
 *
 * - `full`: the first sync lists the label newest first (messages.list, q=after:<since>); `pageToken`
 *   is the next page to list, so a crash resumes where the last committed page ended. `historyId`
 *   is the mailbox's historyId captured before the first page: once listing ends, history from
 *   there brings whatever changed meanwhile.
 * - `incremental`: history.list(startHistoryId=historyId, labelId=label) on each pass.
 * - `older`: the window was widened after the listing began (Settings): the mail between the new
 *   start and the old one is listed too (q=after:<new> before:<old>), a page per pass once the
 *   history is caught up, skipping what is stored. Absent or null: nothing older to fetch.
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
  older: z
    .object({
      /** The new `after:` bound (epoch seconds), null for everything. */
      after: z.number().int().nonnegative().nullable(),
      /** The `before:` bound: where the mail already listed starts (epoch seconds). */
      before: z.number().int().nonnegative(),
      pageToken: z.string().nullable(),
    })
    .nullable()
    .optional(),
  /**
   * The listing under way started again from the newest (a narrower window): its first pages are
   * mostly stored already, so stored ids are not fetched again.
   */
  relisting: z.boolean().optional(),
});
export type GmailCursor = z.infer<typeof GmailCursor>;

/**
 * A window that starts this much later than a listing under way is a narrower one (Settings);
 * less is the window rolling forward with the calendar, which changes nothing.
 */
const NARROWED_BY_SECONDS = 31 * 24 * 3600;

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
    after: afterOf(since),
    remoteTotal: 0,
  };
}

/** An `after:` bound (epoch seconds) of a window start; null for everything. */
export function afterOf(since: Date | null): number | null {
  return since ? Math.floor(since.getTime() / 1000) : null;
}

/**
 * The cursor with the older mail to list added, when `since` starts before what the cursor covers
 * (or everything is wanted now); else the cursor as it is. A narrower window changes nothing: what
 * is stored stays, and a listing under way keeps its bound.
 */
export function widenedCursor(cursor: GmailCursor, since: Date | null): GmailCursor {
  const covered = cursor.older ? cursor.older.after : cursor.after;
  const after = afterOf(since);
  if (covered === null || (after !== null && after >= covered)) return cursor;
  // Already listing older mail: its range grows down, listed again from its newest (stored ids skipped).
  const before = cursor.older ? cursor.older.before : covered;
  return { ...cursor, older: { after, before, pageToken: null } };
}

/**
 * The cursor with its listings cut to a window that starts a month or more later than they were
 * asked for (Settings narrowed while mail was still being listed): the first listing starts again
 * from the newest with the later bound, and the listing of older mail a widening had added keeps
 * to the new bound (or ends, when the bound is past its range), so that mail no longer asked for is
 * not fetched. Stored mail stays, and history keeps following it. A listing that has ended is left
 * as it is: there is nothing left to fetch.
 */
export function narrowedCursor(cursor: GmailCursor, since: Date | null): GmailCursor {
  const after = afterOf(since);
  if (after === null) return cursor;
  const narrower = (bound: number | null): boolean => bound === null || after - bound >= NARROWED_BY_SECONDS;
  let next = cursor;
  if (next.phase === 'full' && narrower(next.after)) next = { ...next, after, pageToken: null, relisting: true };
  if (next.older && narrower(next.older.after)) {
    next = { ...next, older: after >= next.older.before ? null : { ...next.older, after, pageToken: null } };
  }
  return next;
}
