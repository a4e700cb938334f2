import { z } from 'zod';

/**
 * The per-folder IMAP checkpoint. UIDs in [bottom, top] are stored; [floor, bottom) is the
 * backfill still to do (newest first), everything above top is new mail.
 */
export const ImapCursor = z.object({
  v: z.literal(1),
  uidValidity: z.string(),
  /** HIGHESTMODSEQ as of the last completed page (CONDSTORE/QRESYNC); null without CONDSTORE. */
  highestModseq: z.string().nullable(),
  top: z.number().int().nonnegative(),
  bottom: z.number().int().nonnegative(),
  floor: z.number().int().nonnegative(),
  /** Width of the next backfill UID window; grows when UIDs are sparse. */
  span: z.number().int().positive(),
  /** Messages within the scope on the server when last counted. */
  remoteTotal: z.number().int().nonnegative(),
  /**
   * The window `floor` was set for: its start (epoch ms), null for the whole mailbox. Absent in
   * checkpoints written before it was kept: their window is looked up once (see rescope).
   */
  since: z.number().int().nullable().optional(),
});
export type ImapCursor = z.infer<typeof ImapCursor>;

export function parseImapCursor(text: string | null): ImapCursor | null {
  if (!text) return null;
  try {
    const parsed = ImapCursor.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A day: a window that only rolled forward with the calendar is not a narrower one. */
const DAY_MS = 86_400_000;

/**
 * Whether a checkpoint's floor must follow the window now wanted (`since`, epoch ms; null for the
 * whole mailbox): it starts earlier, or, while the backfill still runs, more than a day later (the
 * user chose fewer months; a window rolling forward day by day is not that). A checkpoint from before
 * windows were kept is looked up once.
 */
export function windowMoved(cursor: ImapCursor, since: number | null): boolean {
  if (cursor.since === undefined) return true;
  const wider = cursor.since !== null && (since === null || since < cursor.since);
  if (wider) return true;
  const narrower = since !== null && (cursor.since === null || since - cursor.since > DAY_MS);
  return narrower && cursor.bottom > cursor.floor;
}
