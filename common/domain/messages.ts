import { z } from 'zod';
import { AttachmentInfo } from './attachments.js';

/** A mail address as parsed from a header: the display name may be ''. */
export const MailAddress = z.object({ name: z.string(), address: z.string() });
export type MailAddress = z.infer<typeof MailAddress>;

/** The flags of a message summed over the folders that hold it (IMAP \Seen, \Flagged, \Answered). */
export const MessageFlags = z.object({ seen: z.boolean(), flagged: z.boolean(), answered: z.boolean() });
export type MessageFlags = z.infer<typeof MessageFlags>;

/** One row of the timeline: small on purpose, never a body. */
export const MessageSummary = z.object({
  id: z.number().int().positive(),
  accountId: z.string(),
  threadId: z.number().int().positive(),
  subject: z.string().nullable(),
  /** The first sender, or null when the message had none. */
  from: MailAddress.nullable(),
  date: z.string(),
  snippet: z.string(),
  flags: MessageFlags,
  hasAttachments: z.boolean(),
  direction: z.enum(['sent', 'received']),
});
export type MessageSummary = z.infer<typeof MessageSummary>;

/** An opaque keyset cursor: the (date, id) of the last row of the previous page. */
export const MessageCursor = z.string().min(1).max(200);

export const MESSAGE_PAGE_MAX = 200;

export const ListMessagesInput = z
  .object({
    accountId: z.string().min(1).optional(),
    threadId: z.number().int().positive().optional(),
    cursor: MessageCursor.optional(),
    limit: z.number().int().min(1).max(MESSAGE_PAGE_MAX).default(100),
  })
  .strict();

export const MessagePage = z.object({
  items: z.array(MessageSummary),
  /** The cursor of the next (older) page, null at the end. */
  next: z.string().nullable(),
  /** Live messages matching the filter (all pages), for the scroll bar. */
  total: z.number().int().nonnegative(),
});
export type MessagePage = z.infer<typeof MessagePage>;

export const GetMessageInput = z.object({ id: z.number().int().positive() }).strict();

/** One message to read: headers, the text and the HTML as sent (the renderer sanitizes it before showing it). */
export const MessageDetail = z.object({
  id: z.number().int().positive(),
  accountId: z.string(),
  threadId: z.number().int().positive(),
  messageId: z.string().nullable(),
  subject: z.string().nullable(),
  date: z.string(),
  from: z.array(MailAddress),
  to: z.array(MailAddress),
  cc: z.array(MailAddress),
  replyTo: z.array(MailAddress),
  direction: z.enum(['sent', 'received']),
  flags: MessageFlags,
  text: z.string().nullable(),
  /** Untrusted HTML exactly as sent; never insert it into a document without sanitizing it. */
  html: z.string().nullable(),
  textTruncated: z.boolean(),
  attachments: z.array(AttachmentInfo),
  /** The user chose to show remote images from this message's sender (mail.setImagesAllowed). */
  imagesAllowed: z.boolean(),
});
export type MessageDetail = z.infer<typeof MessageDetail>;

/** Encodes the keyset position (date, id) of a row; the core decodes it. */
export function encodeMessageCursor(date: string, id: number): string {
  return `${id}:${date}`;
}

/** The (date, id) of a cursor; null when it was not made by encodeMessageCursor. */
export function decodeMessageCursor(cursor: string): { date: string; id: number } | null {
  const match = /^([1-9]\d{0,15}):(.{1,64})$/.exec(cursor);
  if (!match) return null;
  return { id: Number(match[1]), date: match[2] ?? '' };
}

export const SetImagesAllowedInput = z
  .object({ address: z.string().trim().min(3).max(320), allowed: z.boolean() })
  .strict();
export type SetImagesAllowedInput = z.infer<typeof SetImagesAllowedInput>;
