import type { AttachmentInfo, MessageAttachments } from '../../../common/domain/attachments.js';
import type { Db } from '../sqlcipher.js';

/** Where a stored message can be fetched from: one of its folder locations. */
export type MessageLocation = { folderPath: string; cursor: string | null; remoteId: string };

export type AttachmentSource = {
  accountId: string;
  attachment: AttachmentInfo;
  /** Folders holding the message now, the Inbox and other real folders before All Mail. */
  locations: MessageLocation[];
};

type MessageRow = {
  id: number;
  account_id: string;
  subject: string | null;
  from_json: string;
  date: string;
  attachments_json: string;
};

/**
 * Reads of the attachment metadata the sync recorded (messages.attachments_json), and where on the
 * server each message can be fetched from. The content itself is never stored: it is downloaded
 * on demand (mail.downloadAttachment).
 */
export class AttachmentsRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      // Messages still held by some folder; attachments_json is '[]' for none.
      newest: db.prepare<[string | null, string | null, number], MessageRow>(
        `SELECT m.id, m.account_id, m.subject, m.from_json, m.date, m.attachments_json
         FROM messages m
         WHERE (? IS NULL OR m.account_id = ?) AND m.attachments_json <> '[]'
           AND EXISTS (SELECT 1 FROM message_locations l WHERE l.message = m.id)
         ORDER BY m.date DESC LIMIT ?`,
      ),
      message: db.prepare<[number], Pick<MessageRow, 'account_id' | 'attachments_json'>>(
        'SELECT account_id, attachments_json FROM messages WHERE id = ?',
      ),
      locations: db.prepare<[number], { path: string; cursor: string | null; remote_id: string }>(
        `SELECT f.path, f.cursor, l.remote_id FROM message_locations l JOIN folders f ON f.id = l.folder_id
         WHERE l.message = ? ORDER BY CASE f.role WHEN 'all' THEN 1 ELSE 0 END, f.id`,
      ),
    };
  }

  /** The newest messages with attachments, newest first. */
  newest(accountId: string | null, limit: number): MessageAttachments[] {
    return this.s.newest.all(accountId, accountId, limit).map((row) => {
      const from = JSON.parse(row.from_json) as { address: string }[];
      return {
        messageId: row.id,
        accountId: row.account_id,
        subject: row.subject,
        from: from[0]?.address ?? '',
        date: row.date,
        attachments: JSON.parse(row.attachments_json) as AttachmentInfo[],
      };
    });
  }

  /** The attachment `partId` of message `id` and where to fetch it; null when either is unknown. */
  source(id: number, partId: string): AttachmentSource | null {
    const row = this.s.message.get(id);
    if (!row) return null;
    const attachments = JSON.parse(row.attachments_json) as AttachmentInfo[];
    const attachment = attachments.find((candidate) => candidate.partId === partId);
    if (!attachment) return null;
    const locations = this.s.locations
      .all(id)
      .map((location) => ({ folderPath: location.path, cursor: location.cursor, remoteId: location.remote_id }));
    return { accountId: row.account_id, attachment, locations };
  }
}
