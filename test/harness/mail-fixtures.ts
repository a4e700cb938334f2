import type { IncomingMessage, PageToApply } from '../../main/store/repositories/mail-repository.js';

/**
 * Message n as the sync hands it to the store: identity, Message-ID, subject and a date n minutes
 * into 2026, received, no participants; `patch` sets the rest.
 */
export function incomingMessage(n: number, patch: Partial<IncomingMessage> = {}): IncomingMessage {
  return {
    remoteId: String(n),
    flags: [],
    identity: `id-${n}`,
    subjectKey: `subject ${n}`,
    messageId: `m${n}@x.test`,
    inReplyTo: null,
    references: [],
    subject: `Subject ${n}`,
    date: minuteOf2026(n),
    from: [],
    to: [],
    cc: [],
    bcc: [],
    replyTo: [],
    text: `Body ${n}`,
    html: null,
    textTruncated: false,
    attachments: [],
    size: 100,
    direction: 'received',
    listId: null,
    listUnsubscribe: null,
    precedence: null,
    autoSubmitted: null,
    warnings: [],
    ...patch,
  };
}

/** ISO date `minute` minutes after 2026-01-01T00:00Z. */
export function minuteOf2026(minute: number): string {
  return new Date(Date.UTC(2026, 0, 1) + minute * 60_000).toISOString();
}

/** A page of changes for one folder, empty unless `patch` says otherwise. */
export function pageToApply(accountId: string, folderId: number, patch: Partial<PageToApply> = {}): PageToApply {
  return {
    accountId,
    folderId,
    reset: false,
    upserts: [],
    deletes: [],
    flagChanges: [],
    cursor: 'c',
    remoteTotal: 0,
    backfillComplete: false,
    syncedAt: '2026-01-01T00:00:00Z',
    ...patch,
  };
}
