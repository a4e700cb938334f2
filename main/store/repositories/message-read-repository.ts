import type { AttachmentInfo } from '../../../common/domain/attachments.js';
import type { MailAddress, MessageDetail, MessageFlags, MessageSummary } from '../../../common/domain/messages.js';
import type { Db } from '../sqlcipher.js';

type SummaryRow = {
  id: number;
  account_id: string;
  thread_id: number;
  subject: string | null;
  from_json: string;
  date: string;
  snippet: string;
  attachments_json: string;
  direction: 'sent' | 'received';
  flags: string | null;
};

type DetailRow = SummaryRow & {
  message_id: string | null;
  to_json: string;
  cc_json: string;
  reply_to_json: string;
  body_text: string | null;
  body_html: string | null;
  text_truncated: number;
  images_allowed: number;
};

/** The keyset position of a row: pages continue strictly after (older than) it. */
export type MessageKey = { date: string; id: number };

const SUMMARY_COLUMNS = `m.id, m.account_id, m.thread_id, m.subject, m.from_json, m.date, m.snippet, m.attachments_json,
  m.direction, (SELECT group_concat(l.flags_json, ' ') FROM message_locations l WHERE l.message = m.id) AS flags`;
const LIVE = 'EXISTS (SELECT 1 FROM message_locations l WHERE l.message = m.id)';
// Newest first by (date, id), strictly after the cursor row. Written as a range on date (plus the
// tie-break on id) so SQLite seeks the index to the cursor instead of scanning from the top.
const AFTER = 'm.date <= @date AND (m.date < @date OR m.id < @id)';
// The first page: a date after any real one.
const TOP = { date: '\uffff', id: Number.MAX_SAFE_INTEGER };

/** One account's page; messages_by_date (account_id, date DESC) serves the range and the order. */
export const PAGE_OF_ACCOUNT_SQL = `SELECT ${SUMMARY_COLUMNS} FROM messages m
  WHERE m.account_id = @account AND ${AFTER} AND ${LIVE}
  ORDER BY m.date DESC, m.id DESC LIMIT @limit`;

/**
 * Reads for the timeline and the message view: live messages (held by some folder) newest first,
 * keyset-paged on (date, id) so a page costs the same at row 10 and at row 1,000,000, and one
 * message with its bodies. Bodies are returned as stored: sanitizing HTML is the viewer's job.
 */
export class MessageReadRepository {
  private readonly s;

  constructor(db: Db) {
    type Page = { account: string; date: string; id: number; limit: number };
    type ThreadPage = { thread: number; date: string; id: number; limit: number };
    this.s = {
      accountIds: db.prepare<[], string>('SELECT id FROM accounts ORDER BY id').pluck(),
      // messages_by_date (account_id, date DESC) serves the order; ties on date are rare.
      pageOfAccount: db.prepare<[Page], SummaryRow>(PAGE_OF_ACCOUNT_SQL),
      pageOfThread: db.prepare<[ThreadPage], SummaryRow>(
        `SELECT ${SUMMARY_COLUMNS} FROM messages m
         WHERE m.thread_id = @thread AND ${AFTER} AND ${LIVE}
         ORDER BY m.date DESC, m.id DESC LIMIT @limit`,
      ),
      liveOfAccount: db.prepare<[string], number>('SELECT message_count FROM accounts WHERE id = ?').pluck(),
      liveOfAll: db.prepare<[], number>('SELECT coalesce(sum(message_count), 0) FROM accounts').pluck(),
      liveOfThread: db
        .prepare<[number], number>(`SELECT count(*) FROM messages m WHERE m.thread_id = ? AND ${LIVE}`)
        .pluck(),
      detail: db.prepare<[number], DetailRow>(
        `SELECT ${SUMMARY_COLUMNS}, m.message_id, m.to_json, m.cc_json, m.reply_to_json, m.body_text, m.body_html,
           m.text_truncated,
           EXISTS (SELECT 1 FROM image_senders i
                   WHERE i.address = lower(json_extract(m.from_json, '$[0].address'))) AS images_allowed
         FROM messages m WHERE m.id = ? AND ${LIVE}`,
      ),
    };
  }

  /**
   * Up to `limit` live messages older than `after` (all when null), newest first, of one account
   * or thread, or of all accounts (each account's page read from its index, then merged).
   */
  page(filter: { accountId?: string; threadId?: number }, after: MessageKey | null, limit: number): MessageSummary[] {
    const position = { ...(after ?? TOP), limit };
    let rows: SummaryRow[];
    if (filter.threadId !== undefined) {
      rows = this.s.pageOfThread.all({ thread: filter.threadId, ...position });
      if (filter.accountId !== undefined) rows = rows.filter((row) => row.account_id === filter.accountId);
    } else if (filter.accountId !== undefined) {
      rows = this.s.pageOfAccount.all({ account: filter.accountId, ...position });
    } else {
      rows = this.s.accountIds
        .all()
        .flatMap((account) => this.s.pageOfAccount.all({ account, ...position }))
        .sort(newestFirst)
        .slice(0, limit);
    }
    return rows.map(toSummary);
  }

  /** How many live messages the filter matches, from the per-account counters (cheap). */
  count(filter: { accountId?: string; threadId?: number }): number {
    if (filter.threadId !== undefined) return this.s.liveOfThread.get(filter.threadId) ?? 0;
    if (filter.accountId !== undefined) return this.s.liveOfAccount.get(filter.accountId) ?? 0;
    return this.s.liveOfAll.get() ?? 0;
  }

  /** One live message with its headers and bodies; null when unknown or no longer in any folder. */
  get(id: number): MessageDetail | null {
    const row = this.s.detail.get(id);
    if (!row) return null;
    const summary = toSummary(row);
    return {
      id: row.id,
      accountId: row.account_id,
      threadId: row.thread_id,
      messageId: row.message_id,
      subject: row.subject,
      date: row.date,
      from: addresses(row.from_json),
      to: addresses(row.to_json),
      cc: addresses(row.cc_json),
      replyTo: addresses(row.reply_to_json),
      direction: row.direction,
      flags: summary.flags,
      text: row.body_text,
      html: row.body_html,
      textTruncated: row.text_truncated !== 0,
      attachments: JSON.parse(row.attachments_json) as AttachmentInfo[],
      imagesAllowed: row.images_allowed === 1,
    };
  }
}

function newestFirst(a: SummaryRow, b: SummaryRow): number {
  if (a.date !== b.date) return a.date < b.date ? 1 : -1;
  return b.id - a.id;
}

function addresses(json: string): MailAddress[] {
  const parsed = JSON.parse(json) as { name?: unknown; address?: unknown }[];
  return parsed.map((entry) => ({
    name: typeof entry.name === 'string' ? entry.name : '',
    address: typeof entry.address === 'string' ? entry.address : '',
  }));
}

/** Flags over every folder holding the message: seen or flagged in any of them counts. */
function flagsOf(concatenated: string | null): MessageFlags {
  const all = concatenated ?? '';
  return {
    seen: all.includes('"\\\\Seen"'),
    flagged: all.includes('"\\\\Flagged"'),
    answered: all.includes('"\\\\Answered"'),
  };
}

function toSummary(row: SummaryRow): MessageSummary {
  return {
    id: row.id,
    accountId: row.account_id,
    threadId: row.thread_id,
    subject: row.subject,
    from: addresses(row.from_json)[0] ?? null,
    date: row.date,
    snippet: row.snippet,
    flags: flagsOf(row.flags),
    hasAttachments: row.attachments_json !== '[]',
    direction: row.direction,
  };
}
