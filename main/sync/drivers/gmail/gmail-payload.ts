import type { ParsedAttachment } from '../../mime/parsed-message.js';

/**
 * A MessagePart of the `full` format
 * (https://developers.google.com/gmail/api/reference/rest/v1/users.messages#MessagePart): headers
 * as text, the body decoded (base64url `data`) or left on the server (`attachmentId`).
 */
export type GmailPart = {
  partId?: string | null;
  mimeType?: string | null;
  filename?: string | null;
  headers?: { name?: string | null; value?: string | null }[] | null;
  body?: { size?: number | null; data?: string | null; attachmentId?: string | null } | null;
  parts?: GmailPart[] | null;
};

/** A leaf of the payload with its IMAP part number (RFC 3501 6.4.5), the numbering the parser uses too. */
export type NumberedPart = { part: GmailPart; imapPart: string; parentType: string | undefined };

/**
 * The leaves of a payload, numbered as IMAP and mailparser number them ("1", "2.1"; a single-part
 * message's body is "1"): parts are named by these numbers everywhere in the store, whichever way
 * a message was fetched (raw and parsed, or rebuilt from `full`), so fetchPart finds either.
 */
export function numberedLeaves(root: GmailPart): NumberedPart[] {
  const out: NumberedPart[] = [];
  const walk = (node: GmailPart, imapPart: string, parentType: string | undefined): void => {
    if (isMultipart(node)) {
      (node.parts ?? []).forEach((child, index) =>
        walk(child, imapPart === '' ? String(index + 1) : `${imapPart}.${index + 1}`, mimeTypeOf(node)),
      );
      return;
    }
    out.push({ part: node, imapPart: imapPart === '' ? '1' : imapPart, parentType });
  };
  walk(root, '', undefined);
  return out;
}

/** A text body the reader sees (text/plain or text/html, not an attachment): rebuilt into the source. */
export function isTextBody(part: GmailPart): boolean {
  if (isMultipart(part)) return false;
  const type = mimeTypeOf(part);
  if (type !== 'text/plain' && type !== 'text/html') return false;
  return dispositionOf(part) !== 'attachment' && !part.filename;
}

/** Text bodies Gmail left out of line (a long text part comes with an attachmentId): to fetch first. */
export function textPartsToFetch(root: GmailPart): NumberedPart[] {
  return numberedLeaves(root).filter(({ part }) => isTextBody(part) && !part.body?.data && part.body?.attachmentId);
}

export type RebuiltMessage = {
  /** RFC 5322 source: the message's header and its text parts, without the attachments. */
  source: Buffer;
  /** A text part was cut at textMaxBytes, or its content was missing. */
  truncated: boolean;
  /** The parts left on the server, as the store records attachments. */
  attachments: ParsedAttachment[];
};

/**
 * The message as sent, less its attachments, from a `full` payload: the same headers, the same
 * multipart tree and boundaries, each kept text part re-encoded base64 (Gmail hands out the
 * decoded bytes, charset untouched) so any charset survives; `fetched` holds text parts that had
 * to be downloaded (by IMAP part number). The parser reads it as it would the whole message.
 */
export function rebuildSource(
  root: GmailPart,
  textMaxBytes: number,
  fetched: ReadonlyMap<string, Buffer> = new Map(),
): RebuiltMessage {
  const chunks: string[] = [];
  const attachments: ParsedAttachment[] = [];
  let truncated = false;
  const leaves = new Map(numberedLeaves(root).map((leaf) => [leaf.part, leaf]));

  const entity = (node: GmailPart): void => {
    if (isMultipart(node)) {
      const boundary = boundaryOf(node);
      chunks.push(headerBlock(node.headers, null));
      for (const child of node.parts ?? []) {
        if (!isMultipart(child) && !isTextBody(child)) {
          const leaf = leaves.get(child)!;
          attachments.push(toAttachment(leaf));
          continue;
        }
        chunks.push(`--${boundary}\r\n`);
        entity(child);
        chunks.push('\r\n');
      }
      chunks.push(`--${boundary}--\r\n`);
      return;
    }
    const leaf = leaves.get(node)!;
    if (!isTextBody(node)) {
      // A message that is one attachment: its header, the content on the server.
      attachments.push(toAttachment(leaf));
      chunks.push(headerBlock(node.headers, null));
      return;
    }
    let content = node.body?.data ? Buffer.from(node.body.data, 'base64url') : fetched.get(leaf.imapPart);
    if (!content) {
      if ((node.body?.size ?? 0) > 0) truncated = true;
      content = Buffer.alloc(0);
    }
    if (content.length > textMaxBytes) {
      content = content.subarray(0, textMaxBytes);
      truncated = true;
    }
    chunks.push(headerBlock(node.headers, 'base64'), base64Lines(content));
  };
  entity(root);
  return { source: Buffer.from(chunks.join(''), 'utf8'), truncated, attachments };
}

function headerBlock(headers: GmailPart['headers'], transferEncoding: string | null): string {
  const lines: string[] = [];
  for (const header of headers ?? []) {
    if (!header.name) continue;
    if (transferEncoding && header.name.toLowerCase() === 'content-transfer-encoding') continue;
    lines.push(`${header.name}: ${header.value ?? ''}`);
  }
  if (transferEncoding) lines.push(`Content-Transfer-Encoding: ${transferEncoding}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function base64Lines(content: Buffer): string {
  const text = content.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 76) lines.push(text.slice(i, i + 76));
  return lines.length > 0 ? `${lines.join('\r\n')}\r\n` : '';
}

function isMultipart(part: GmailPart): boolean {
  return mimeTypeOf(part).startsWith('multipart/') && Array.isArray(part.parts);
}

function mimeTypeOf(part: GmailPart): string {
  return (part.mimeType ?? 'text/plain').toLowerCase();
}

function headerOf(part: GmailPart, name: string): string | undefined {
  return part.headers?.find((header) => header.name?.toLowerCase() === name)?.value ?? undefined;
}

function dispositionOf(part: GmailPart): string | undefined {
  return headerOf(part, 'content-disposition')?.split(';')[0]?.trim().toLowerCase();
}

function boundaryOf(part: GmailPart): string {
  const match = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(headerOf(part, 'content-type') ?? '');
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new Error(`multipart part ${part.partId ?? ''} has no boundary`);
  return boundary;
}

function toAttachment({ part, imapPart, parentType }: NumberedPart): ParsedAttachment {
  const disposition = dispositionOf(part);
  const contentId = headerOf(part, 'content-id');
  return {
    filename: part.filename || null,
    contentType: mimeTypeOf(part),
    // Gmail's body.size is the decoded size (exact, unlike IMAP's encoded estimate).
    size: part.body?.size ?? 0,
    contentId: contentId ? contentId.trim().replace(/^<|>$/g, '') : null,
    partId: imapPart,
    // As the parser reads it (mime-tree.ts): an inline disposition, or none in a multipart/related.
    inline: disposition === 'inline' || (disposition === undefined && parentType === 'multipart/related'),
  };
}
