import type { IncomingMessage } from '../store/repositories/mail-repository.js';
import type { RemoteMessage } from './mail-driver.js';
import type { ParsedMessage } from './mime/parsed-message.js';
import { messageIdentity, normalizeSubject } from './threading.js';

export type FilingContext = {
  folderRole: string;
  /** The account's own addresses, lower-case: mail from them is 'sent'. */
  ownAddresses: ReadonlySet<string>;
};

/**
 * Joins what the server said (flags, dates, size) with what the parser read. `identity` is
 * messageIdentity(parsed) when the parser computed it already.
 */
export function toIncoming(
  remote: RemoteMessage,
  parsed: ParsedMessage,
  context: FilingContext,
  identity: string = messageIdentity(parsed),
): IncomingMessage {
  const fromSelf = parsed.from.some((address) => context.ownAddresses.has(address.address));
  const warnings = remote.sourceTruncated ? [...parsed.warnings, 'source-partial'] : parsed.warnings;
  return {
    remoteId: remote.remoteId,
    flags: remote.flags,
    identity,
    subjectKey: normalizeSubject(parsed.subject ?? ''),
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    subject: parsed.subject,
    date: parsed.date ?? remote.internalDate ?? new Date().toISOString(),
    from: parsed.from,
    to: parsed.to,
    cc: parsed.cc,
    bcc: parsed.bcc,
    replyTo: parsed.replyTo,
    text: parsed.text,
    html: parsed.html,
    textTruncated: parsed.textTruncated || remote.sourceTruncated,
    attachments: parsed.attachments,
    size: remote.size,
    direction: context.folderRole === 'sent' || fromSelf ? 'sent' : 'received',
    listId: parsed.listId,
    listUnsubscribe: parsed.listUnsubscribe,
    precedence: parsed.precedence,
    autoSubmitted: parsed.autoSubmitted,
    warnings,
  };
}
