import type { IncomingMessage } from '../store/repositories/mail-repository.js';
import type { RemoteMessage } from './mail-driver.js';
import type { ParsedAttachment, ParsedMessage } from './mime/parsed-message.js';
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
    attachments: withRemoteAttachments(parsed.attachments, remote.attachments),
    size: remote.size,
    direction: context.folderRole === 'sent' || fromSelf ? 'sent' : 'received',
    listId: parsed.listId,
    listUnsubscribe: parsed.listUnsubscribe,
    precedence: parsed.precedence,
    autoSubmitted: parsed.autoSubmitted,
    warnings,
  };
}

/**
 * The parser's attachments and those the server kept (known from the structure), in part order.
 * A part in both (a message that is one attachment: the parser sees its header, empty) is the
 * server's, which knows its size.
 */
function withRemoteAttachments(parsed: ParsedAttachment[], remote: ParsedAttachment[]): ParsedAttachment[] {
  if (remote.length === 0) return parsed;
  const remoteParts = new Set(remote.map((attachment) => attachment.partId));
  return sortByPart([...parsed.filter((attachment) => !remoteParts.has(attachment.partId)), ...remote]);
}

/** Attachments in MIME part order ("2" < "2.1" < "10"); those without a part number last. */
function sortByPart(attachments: ParsedAttachment[]): ParsedAttachment[] {
  const key = (partId: string | null) => (partId ?? '999999').split('.').map(Number);
  return attachments.sort((a, b) => {
    const [x, y] = [key(a.partId), key(b.partId)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const diff = (x[i] ?? -1) - (y[i] ?? -1);
      if (diff !== 0) return diff;
    }
    return 0;
  });
}
