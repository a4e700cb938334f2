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
