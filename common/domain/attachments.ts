import { z } from 'zod';

/** An attachment as the store records it: metadata; the content stays on the server until asked. */
export const AttachmentInfo = z.object({
  /** MIME part number ("2", "1.3"): what a download names. Null when the part cannot be named. */
  partId: z.string().nullable(),
  filename: z.string().nullable(),
  contentType: z.string(),
  /** Bytes once decoded; for parts not yet downloaded an estimate from their encoded size. */
  size: z.number().int().nonnegative(),
  inline: z.boolean(),
  contentId: z.string().nullable(),
});
export type AttachmentInfo = z.infer<typeof AttachmentInfo>;

export const MessageAttachments = z.object({
  /** The stored message's id (what mail.downloadAttachment takes). */
  messageId: z.number().int().positive(),
  accountId: z.string(),
  subject: z.string().nullable(),
  /** The first sender's address, or '' when the message had none. */
  from: z.string(),
  date: z.string(),
  attachments: z.array(AttachmentInfo),
});
export type MessageAttachments = z.infer<typeof MessageAttachments>;

export const ListAttachmentsInput = z
  .object({
    accountId: z.string().min(1).optional(),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict();

/** A MIME part number as IMAP names parts (RFC 3501 6.4.5). */
export const PartId = z.string().regex(/^[1-9]\d{0,5}(\.[1-9]\d{0,5}){0,15}$/, 'A MIME part number, like 2 or 1.2');

export const DownloadAttachmentInput = z.object({ messageId: z.number().int().positive(), partId: PartId }).strict();

/** Attachments larger than this are not returned through the API (base64 in one JSON reply). */
export const ATTACHMENT_DOWNLOAD_MAX_BYTES = 25 * 1024 * 1024;

export const AttachmentContent = z.object({
  filename: z.string().nullable(),
  contentType: z.string(),
  /** Decoded bytes. */
  size: z.number().int().nonnegative(),
  contentBase64: z.string(),
});
export type AttachmentContent = z.infer<typeof AttachmentContent>;
