import { MailParser, type AttachmentStream, type MailParserOptions } from 'mailparser';
import { withoutControls } from './controls.js';
import type { HeaderLine } from './header-lines.js';
import type { ParsedAttachment } from './parsed-message.js';

/** What one pass of mailparser over a message gives, attachment contents already dropped. */
export type MimeResult = {
  headerLines: HeaderLine[];
  /** Every text/plain part joined; '' when there is none. */
  text: string;
  /** Every text/html part joined, as sent; null when there is none. */
  html: string | null;
  attachments: ParsedAttachment[];
};

// simpleParser buffers every attachment in memory (and base64-inlines cid: images into the HTML);
// it has no option to drop contents. The streaming MailParser underneath lets each attachment be
// counted and discarded as it flows, so a 30 MB attachment costs no 30 MB buffer. HTML-to-text is
// left to body-text.ts, which bounds its input; text-to-HTML, link detection and checksums are
// work nobody reads.
const OPTIONS: MailParserOptions = {
  skipHtmlToText: true,
  skipImageLinks: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  checksumAlgo: false,
  // The header of one MIME part may cost this much (mailsplit counts a line as at least 64 bytes).
  // The default 1 MB fails long-thread mail with a 500 KB References header; in a worker with a
  // timeout, a few MB of header is no danger.
  maxHeadSize: 4 * 1024 * 1024,
};

/** Parses the MIME structure of `source`. Rejects when mailparser reports an error. */
export function parseMimeTree(source: Buffer): Promise<MimeResult> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser(OPTIONS);
    const result: MimeResult = { headerLines: [], text: '', html: null, attachments: [] };
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      parser.destroy();
      reject(error instanceof Error ? error : new Error(String(error)));
    };

    parser.on('headerLines', (lines) => {
      result.headerLines = [...lines];
    });
    parser.on('data', (data) => {
      if (data.type === 'text') {
        result.text = data.text ?? '';
        result.html = data.html ?? null;
        return;
      }
      const attachment = describe(data);
      result.attachments.push(attachment);
      // The parser waits for release() before the next part, which must come after the content
      // has been read to its end, as simpleParser does; reading is only counting here.
      data.content.on('data', (chunk: Buffer) => {
        attachment.size += chunk.length;
      });
      data.content.once('end', () => data.release?.());
      data.content.on('error', fail);
    });
    parser.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(result);
    });
    parser.on('error', fail);
    try {
      parser.end(source);
    } catch (error) {
      fail(error);
    }
  });
}

function describe(attachment: AttachmentStream): ParsedAttachment {
  const disposition = attachment.contentDisposition?.toLowerCase();
  return {
    filename: attachment.filename === undefined ? null : withoutControls(attachment.filename),
    contentType: attachment.contentType,
    size: 0,
    contentId: attachment.cid ?? null,
    partId: attachment.partId ?? null,
    // An image referenced from the HTML of a multipart/related often has no disposition at all.
    inline: disposition === 'inline' || (disposition === undefined && attachment.related === true),
  };
}
