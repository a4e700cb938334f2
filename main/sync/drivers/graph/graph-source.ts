import libmime from 'libmime';
import type { ParsedAttachment } from '../../mime/parsed-message.js';

/** The fields of a Graph message (https://learn.microsoft.com/en-us/graph/api/resources/message) read here. */
export type GraphMessageJson = {
  id: string;
  subject?: string | null;
  internetMessageId?: string | null;
  sentDateTime?: string | null;
  receivedDateTime?: string | null;
  from?: GraphRecipient | null;
  toRecipients?: GraphRecipient[];
  ccRecipients?: GraphRecipient[];
  replyTo?: GraphRecipient[];
  internetMessageHeaders?: { name: string; value: string }[];
  body?: { contentType?: string; content?: string } | null;
};

export type GraphRecipient = { emailAddress?: { name?: string; address?: string } };

/** An attachment as listed by GET /messages/{id}/attachments with $select (no contentBytes). */
export type GraphAttachmentJson = {
  id: string;
  name?: string | null;
  contentType?: string | null;
  size?: number;
  isInline?: boolean;
  contentId?: string | null;
};

/** Headers that describe the original body, replaced by the rebuilt one's. */
const BODY_HEADERS = new Set(['content-type', 'content-transfer-encoding', 'mime-version', 'content-disposition']);

/**
 * An RFC 5322 message with the original's header and only its text (Graph's `body`), for a message
 * whose attachments stay on the server: the parser reads it as it would the whole, and the
 * attachments are recorded from Graph's list instead. Without internetMessageHeaders (Graph
 * returns them for received mail only) the header is built from the message's properties.
 */
export function sourceWithoutAttachments(message: GraphMessageJson): Buffer {
  const lines: string[] = [];
  const headers = message.internetMessageHeaders ?? [];
  if (headers.length > 0) {
    for (const header of headers) {
      if (!BODY_HEADERS.has(header.name.toLowerCase())) lines.push(`${header.name}: ${header.value}`);
    }
  } else {
    const address = (recipient: GraphRecipient): string => {
      const name = recipient.emailAddress?.name ?? '';
      const mail = recipient.emailAddress?.address ?? '';
      return name && name !== mail ? `${libmime.encodeWords(quoteName(name), 'Q', 60)} <${mail}>` : `<${mail}>`;
    };
    const list = (name: string, recipients: GraphRecipient[] | undefined): void => {
      if (recipients && recipients.length > 0) lines.push(`${name}: ${recipients.map(address).join(', ')}`);
    };
    if (message.from) lines.push(`From: ${address(message.from)}`);
    list('To', message.toRecipients);
    list('Cc', message.ccRecipients);
    list('Reply-To', message.replyTo);
    if (message.subject) lines.push(`Subject: ${libmime.encodeWords(message.subject, 'Q', 60)}`);
    const date = message.sentDateTime ?? message.receivedDateTime;
    if (date) lines.push(`Date: ${new Date(date).toUTCString().replace('GMT', '+0000')}`);
    if (message.internetMessageId) lines.push(`Message-ID: ${message.internetMessageId}`);
  }
  const html = message.body?.contentType?.toLowerCase() === 'html';
  lines.push('MIME-Version: 1.0');
  lines.push(`Content-Type: ${html ? 'text/html' : 'text/plain'}; charset=utf-8`);
  lines.push('Content-Transfer-Encoding: base64');
  const content = Buffer.from(message.body?.content ?? '', 'utf8').toString('base64');
  const body = content.match(/.{1,76}/g)?.join('\r\n') ?? '';
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}\r\n`, 'utf8');
}

/** Graph's attachment list as the store records attachments; partId is the Graph attachment id. */
export function attachmentsOf(list: GraphAttachmentJson[]): ParsedAttachment[] {
  return list.map((attachment) => ({
    filename: attachment.name || null,
    contentType: attachment.contentType || 'application/octet-stream',
    size: attachment.size ?? 0,
    contentId: attachment.contentId ? attachment.contentId.replace(/^<|>$/g, '') : null,
    partId: attachment.id,
    inline: attachment.isInline ?? false,
  }));
}

function quoteName(name: string): string {
  return /[(),.:;<>@[\]\\"]/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : name;
}
