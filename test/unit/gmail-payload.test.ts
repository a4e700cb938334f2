import { describe, expect, it } from 'vitest';
import {
  numberedLeaves,
  rebuildSource,
  textPartsToFetch,
  type GmailPart,
} from '../../main/sync/drivers/gmail/gmail-payload.js';
import { parseMessage } from '../../main/sync/mime/parse-message.js';
import { attachmentMessage, textMessage } from '../fakes/gmail/corpus.js';
import { fullPayloadOf } from '../fakes/gmail/gmail-server.js';

// A message rebuilt from Gmail's `full` payload must parse exactly like the message as sent, minus
// the attachments' content: same headers, text and HTML; the attachments come as metadata with the
// part numbers the parser itself gives them (so fetchPart finds them whichever way a message came).

const CRLF = '\r\n';

function message(head: string[], body: string[]): Buffer {
  return Buffer.from([...head, '', ...body, ''].join(CRLF));
}

describe('rebuildSource', () => {
  it('rebuilds a multipart message without its attachments; the parse matches the original', async () => {
    const sent = attachmentMessage(7);
    const payload = fullPayloadOf('18c0', sent.raw) as GmailPart;
    const rebuilt = rebuildSource(payload, 256 * 1024);
    expect(rebuilt.truncated).toBe(false);
    expect(rebuilt.source.length).toBeLessThan(3000);
    expect(rebuilt.source.includes(sent.pdf.subarray(0, 64).toString('base64'))).toBe(false);

    const original = await parseMessage(sent.raw);
    const parsed = await parseMessage(rebuilt.source);
    expect(parsed.subject).toBe(original.subject);
    expect(parsed.messageId).toBe(original.messageId);
    expect(parsed.from).toEqual(original.from);
    expect(parsed.text).toBe(original.text);
    expect(parsed.text).toContain('Grüße');
    expect(parsed.html).toBe(original.html);
    expect(parsed.attachments).toEqual([]);
    // The metadata is what the parser reports for the whole message (sizes exact: Gmail's are decoded).
    expect(rebuilt.attachments).toEqual(original.attachments);
  });

  it('keeps a single-part message whole (re-encoded) and cuts a long text at the cap', async () => {
    const sent = textMessage(3);
    const payload = fullPayloadOf('18c1', sent.raw) as GmailPart;
    const rebuilt = rebuildSource(payload, 256 * 1024);
    const [original, parsed] = await Promise.all([parseMessage(sent.raw), parseMessage(rebuilt.source)]);
    expect(parsed.text).toBe(original.text);
    expect(rebuilt.attachments).toEqual([]);
    const cut = rebuildSource(payload, 10);
    expect(cut.truncated).toBe(true);
    expect((await parseMessage(cut.source)).text).toBe('Hello Alic');
  });

  it('lists a message that is one attachment as such, with its header kept', async () => {
    const raw = message(
      [
        'From: a@b.test',
        'Subject: scan',
        'Message-ID: <scan@b.test>',
        'Content-Type: application/pdf; name="scan.pdf"',
        'Content-Disposition: attachment; filename="scan.pdf"',
        'Content-Transfer-Encoding: base64',
      ],
      [Buffer.from('%PDF-1.4 fake').toString('base64')],
    );
    const rebuilt = rebuildSource(fullPayloadOf('18c2', raw) as GmailPart, 1024);
    expect(rebuilt.attachments).toEqual([
      { filename: 'scan.pdf', contentType: 'application/pdf', size: 13, contentId: null, partId: '1', inline: false },
    ]);
    expect((await parseMessage(rebuilt.source)).subject).toBe('scan');
  });

  it('fills text parts Gmail left out of line from what was fetched, and flags missing ones', () => {
    const payload: GmailPart = {
      partId: '',
      mimeType: 'multipart/alternative',
      headers: [
        { name: 'Subject', value: 'long' },
        { name: 'Content-Type', value: 'multipart/alternative; boundary="x"' },
      ],
      body: { size: 0 },
      parts: [
        {
          partId: '0',
          mimeType: 'text/plain',
          filename: '',
          headers: [{ name: 'Content-Type', value: 'text/plain; charset=utf-8' }],
          body: { size: 5, attachmentId: 'att-0' },
        },
        {
          partId: '1',
          mimeType: 'text/html',
          filename: '',
          headers: [{ name: 'Content-Type', value: 'text/html' }],
          body: { size: 9, attachmentId: 'att-1' },
        },
      ],
    };
    expect(textPartsToFetch(payload).map((leaf) => leaf.imapPart)).toEqual(['1', '2']);
    const rebuilt = rebuildSource(payload, 1000, new Map([['1', Buffer.from('hello')]]));
    expect(rebuilt.truncated).toBe(true);
    expect(rebuilt.source.toString()).toContain(Buffer.from('hello').toString('base64'));
    expect(rebuilt.source.toString()).toContain('--x--');
  });
});

describe('numberedLeaves', () => {
  it('numbers parts as IMAP does, from Gmail partIds', () => {
    const payload = fullPayloadOf('18c3', attachmentMessage(1, 10).raw) as GmailPart;
    expect(numberedLeaves(payload).map((leaf) => [leaf.part.partId, leaf.imapPart])).toEqual([
      ['0.0', '1.1'],
      ['0.1', '1.2'],
      ['1', '2'],
      ['2', '3'],
    ]);
    const single = fullPayloadOf('18c4', textMessage(1).raw) as GmailPart;
    expect(numberedLeaves(single).map((leaf) => [leaf.part.partId, leaf.imapPart])).toEqual([['', '1']]);
  });
});
