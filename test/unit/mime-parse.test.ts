import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../main/sync/mime/parse-message.js';
import type { ParsedMessage } from '../../main/sync/mime/parsed-message.js';

// parseMessage in this process, on handmade messages: each malformation resolves with what could
// be read and a warning naming the problem. (The worker pool is covered in mime-pool.test.ts.)

const mail = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'latin1');
const utf8Mail = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

/** A deterministic byte stream (xorshift), so a garbage-input failure can be reproduced. */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

const COMPLETE = [
  'From: "Ann Example" <Ann@Example.COM>',
  'To: bob@example.org, "=?utf-8?Q?Z=C3=B6e?=" <ZOE@example.org>',
  'Cc: Sales: carl@example.org, dina@example.org;',
  'Reply-To: replies@Example.com',
  'Subject: Quarterly numbers',
  'Date: Tue, 1 Jul 2025 10:52:37 +0200 (CEST)',
  'Message-ID: <Msg-1@example.com>',
  "In-Reply-To: <parent@example.com> (Bob's message of Monday)",
  'References: <root@example.com><mid@example.com>',
  '  <root@example.com> <parent@example.com>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="alt"',
];

describe('parseMessage on well-formed mail', () => {
  it('reads a multipart/alternative message: ids bare, references deduped, addresses lower-cased', async () => {
    const html = '<p>Hello <b>Bob</b>,<br>see the numbers.</p>';
    const parsed = await parseMessage(
      mail(
        ...COMPLETE,
        '',
        '--alt',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Hello Bob,=0D',
        'see the numbers.',
        '--alt',
        'Content-Type: text/html; charset=utf-8',
        '',
        html,
        '--alt--',
        '',
      ),
    );
    expect(parsed).toMatchObject({
      messageId: 'Msg-1@example.com',
      inReplyTo: 'parent@example.com',
      references: ['root@example.com', 'mid@example.com', 'parent@example.com'],
      subject: 'Quarterly numbers',
      date: '2025-07-01T08:52:37.000Z',
      from: [{ name: 'Ann Example', address: 'ann@example.com' }],
      to: [
        { name: '', address: 'bob@example.org' },
        { name: 'Zöe', address: 'zoe@example.org' },
      ],
      cc: [
        { name: '', address: 'carl@example.org' },
        { name: '', address: 'dina@example.org' },
      ],
      bcc: [],
      replyTo: [{ name: '', address: 'replies@example.com' }],
      html,
      textTruncated: false,
      attachments: [],
      listId: null,
      listUnsubscribe: null,
      precedence: null,
      autoSubmitted: null,
      warnings: [],
    });
    expect(parsed.text).toContain('see the numbers.');
  });

  it('lists attachments with RFC 2231 and RFC 2047 file names, part ids and sizes, without their content', async () => {
    const parsed = await parseMessage(
      mail(
        'From: ann@example.com',
        'Date: Tue, 1 Jul 2025 10:00:00 +0000',
        'Message-ID: <att@example.com>',
        'Content-Type: multipart/mixed; boundary="mix"',
        '',
        '--mix',
        'Content-Type: multipart/related; boundary="rel"',
        '',
        '--rel',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>Logo: <img src="cid:logo@example.com"></p>',
        '--rel',
        'Content-Type: image/png',
        'Content-ID: <logo@example.com>',
        'Content-Transfer-Encoding: base64',
        '',
        'iVBORw0KGgo=',
        '--rel--',
        '--mix',
        'Content-Type: application/pdf',
        "Content-Disposition: attachment; filename*=utf-8''%E2%82%AC%20rates%202025.pdf",
        'Content-Transfer-Encoding: base64',
        '',
        'aGVsbG8gd29ybGQ=',
        '--mix',
        'Content-Type: text/plain',
        'Content-Disposition: attachment;',
        "  filename*0*=iso-8859-1''Gr%FC%DFe%20an;",
        '  filename*1*=%20alle.txt',
        '',
        'plain attachment',
        '--mix',
        'Content-Type: application/octet-stream; name="=?utf-8?B?0J7RgtGH0ZHRgi5kb2N4?="',
        'Content-Disposition: attachment',
        '',
        'binary',
        '--mix--',
        '',
      ),
    );
    expect(parsed.attachments).toEqual([
      { filename: null, contentType: 'image/png', size: 8, contentId: 'logo@example.com', partId: '1.2', inline: true },
      {
        filename: '€ rates 2025.pdf',
        contentType: 'application/pdf',
        size: 11,
        contentId: null,
        partId: '2',
        inline: false,
      },
      {
        filename: 'Grüße an alle.txt',
        contentType: 'text/plain',
        size: 16,
        contentId: null,
        partId: '3',
        inline: false,
      },
      {
        filename: 'Отчёт.docx',
        // mailparser replaces application/octet-stream with the type the file name suggests.
        contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        size: 6,
        contentId: null,
        partId: '4',
        inline: false,
      },
    ]);
    // The HTML is kept as sent: cid: links are not inlined as data: URLs.
    expect(parsed.html).toBe('<p>Logo: <img src="cid:logo@example.com"></p>');
    expect(parsed.text).toMatch(/^Logo:/);
    expect(parsed.warnings).toEqual([]);
  });

  it.each([
    ['Q-encoded ISO-8859-1', '=?ISO-8859-1?Q?Gr=FC=DFe_aus_K=F6ln?=', 'Grüße aus Köln'],
    ['B-encoded UTF-8 with an emoji', '=?UTF-8?B?8J+OiSBOZXVlciBBdWZ0cmFn?=', '🎉 Neuer Auftrag'],
    ['adjacent encoded words joined', '=?utf-8?Q?Angebot_f=C3=BC?= =?utf-8?Q?r_Sie?=', 'Angebot für Sie'],
    ['encoded and plain words mixed', 'Re: =?utf-8?Q?R=C3=A9union?= tomorrow', 'Re: Réunion tomorrow'],
    ['ISO-2022-JP (not in iconv-lite)', '=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=', '日本語'],
    ['folded over two lines', '=?utf-8?Q?Sehr_lange_?=\r\n =?utf-8?Q?=C3=9Cberschrift?=', 'Sehr lange Überschrift'],
  ])('decodes an RFC 2047 subject: %s', async (_, encoded, decoded) => {
    const parsed = await parseMessage(mail(`Subject: ${encoded}`, 'From: a@example.com', '', 'body'));
    expect(parsed.subject).toBe(decoded);
    expect(parsed.warnings.filter((warning) => warning.startsWith('charset'))).toEqual([]);
  });

  it('reads the bulk-mail headers', async () => {
    const parsed = await parseMessage(
      mail(
        'From: news@shop.example',
        'Subject: Deals',
        'List-Id: Shop News <News.Shop.Example>',
        'List-Unsubscribe: <mailto:leave@shop.example>, <https://shop.example/u?id=1>',
        'Precedence: Bulk',
        'Auto-Submitted: auto-generated',
        '',
        'Deals inside',
      ),
    );
    expect(parsed).toMatchObject({
      listId: 'news.shop.example',
      listUnsubscribe: '<mailto:leave@shop.example>, <https://shop.example/u?id=1>',
      precedence: 'bulk',
      autoSubmitted: 'auto-generated',
    });
  });
});

describe('parseMessage derives and caps text', () => {
  it('derives text from an HTML-only message and keeps the HTML byte for byte', async () => {
    const html =
      '<html><body><h1>Offer</h1><p>Dear Ann,&nbsp;our <a href="https://x.example/p">price</a> is 5&euro;.</p></body></html>';
    const parsed = await parseMessage(
      utf8Mail('From: a@example.com', 'Content-Type: text/html; charset=utf-8', '', html),
    );
    expect(parsed.html).toBe(html);
    expect(parsed.text).toContain('Dear Ann');
    expect(parsed.text).toContain('5€');
    expect(parsed.text).not.toContain('<p>');
  });

  it('derives text when the only HTML sits in multipart/mixed (mailparser leaves text empty there)', async () => {
    const parsed = await parseMessage(
      mail(
        'From: a@example.com',
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        'Content-Type: text/html',
        '',
        '<p>Invoice attached</p>',
        '--b',
        'Content-Type: application/pdf; name=invoice.pdf',
        '',
        '%PDF',
        '--b--',
      ),
    );
    expect(parsed.text).toBe('Invoice attached');
    expect(parsed.attachments.map((attachment) => attachment.filename)).toEqual(['invoice.pdf']);
  });

  it('caps text at maxTextChars without splitting a surrogate pair', async () => {
    const parsed = await parseMessage(
      utf8Mail('From: a@example.com', 'Content-Type: text/plain; charset=utf-8', '', 'a'.repeat(9) + '😀'.repeat(10)),
      { maxTextChars: 10 },
    );
    expect(parsed.text).toBe('a'.repeat(9));
    expect(parsed.textTruncated).toBe(true);
    const short = await parseMessage(mail('From: a@example.com', '', 'short'), { maxTextChars: 10 });
    expect(short).toMatchObject({ text: 'short', textTruncated: false });
  });

  it('caps the text derived from very long HTML too', async () => {
    const html = '<p>' + 'word '.repeat(200_000) + '</p>';
    const parsed = await parseMessage(mail('From: a@example.com', 'Content-Type: text/html', '', html), {
      maxTextChars: 1000,
    });
    expect(parsed.text?.length).toBeLessThanOrEqual(1000);
    expect(parsed.textTruncated).toBe(true);
    expect(parsed.html).toBe(html);
  });
});

describe('parseMessage on malformed mail', () => {
  it('names an unknown body charset and still decodes the text (as UTF-8)', async () => {
    const parsed = await parseMessage(
      utf8Mail('From: a@example.com', 'Content-Type: text/plain; charset="x-made-up"', '', 'Grüße'),
    );
    expect(parsed.text).toBe('Grüße');
    expect(parsed.warnings).toContain('charset-unknown:x-made-up');
  });

  it('names an unknown charset in an encoded word', async () => {
    const parsed = await parseMessage(mail('From: a@example.com', 'Subject: =?x-klingon?Q?Qapla?=', '', 'x'));
    expect(parsed.subject).toBe('Qapla');
    expect(parsed.warnings).toContain('charset-unknown:x-klingon');
  });

  it('decodes a body in the declared charset even when it is not UTF-8', async () => {
    const body = Buffer.from([0x43, 0x61, 0x66, 0xe9]); // "Café" in ISO-8859-1
    const parsed = await parseMessage(
      Buffer.concat([mail('From: a@example.com', 'Content-Type: text/plain; charset=iso-8859-1', '', ''), body]),
    );
    expect(parsed.text).toBe('Café');
    expect(parsed.warnings.filter((warning) => warning.startsWith('charset'))).toEqual([]);
  });

  it('reads raw 8-bit header bytes as UTF-8 when valid, else as Windows-1252', async () => {
    const utf8 = await parseMessage(Buffer.from('From: a@example.com\r\nSubject: Café ☕\r\n\r\nx', 'utf8'));
    expect(utf8.subject).toBe('Café ☕');
    const legacy = await parseMessage(
      Buffer.concat([
        Buffer.from('From: a@example.com\r\nSubject: Caf'),
        Buffer.from([0xe9, 0x80]),
        Buffer.from('\r\n\r\nx'),
      ]),
    );
    expect(legacy.subject).toBe('Café€');
    const mixed = await parseMessage(
      Buffer.concat([Buffer.from('Subject: [Größe] '), Buffer.from('Caf\xe9', 'latin1'), Buffer.from('\r\n\r\nx')]),
    );
    expect(mixed.subject).toBe('[Größe] Café');
  });

  it('drops control characters from subjects, names and file names, not from bodies', async () => {
    const parsed = await parseMessage(
      mail(
        'From: "Ann\x07 Example" <ann@example.com>',
        'Subject: Red \x1b[31malert\x1b[0m',
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'bell\x07 in the body',
        '--b',
        'Content-Type: application/pdf; name="a\x01b.pdf"',
        '',
        'x',
        '--b--',
      ),
    );
    expect(parsed.subject).toBe('Red [31malert[0m');
    expect(parsed.from[0]?.name).toBe('Ann Example');
    expect(parsed.attachments[0]?.filename).toBe('ab.pdf');
    expect(parsed.text).toBe('bell\x07 in the body');
  });

  it('reads the header behind a byte order mark and with bare CR line endings', async () => {
    const bom = await parseMessage(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), mail('From: a@example.com', '', 'x')]),
    );
    expect(bom.from).toEqual([{ name: '', address: 'a@example.com' }]);
    const mac = await parseMessage(Buffer.from('From: a@example.com\rSubject: Classic\r\rbody\r'));
    expect(mac).toMatchObject({ subject: 'Classic', from: [{ address: 'a@example.com' }] });
    expect(mac.text?.trim()).toBe('body');
  });

  it('warns about every missing header and still returns the body', async () => {
    const parsed = await parseMessage(mail('X-Mailer: robot', '', 'orphan body'));
    expect(parsed.text).toBe('orphan body');
    expect(parsed.warnings).toEqual(['no-message-id', 'no-date', 'no-from']);
  });

  it.each([
    ['garbage', 'bad-date'],
    ['Mon, 32 Foo 2025 25:61:00 +0000', 'bad-date'],
    ['Thu, 1 Jan 1880 00:00:00 +0000', 'bad-date'],
    ['', 'no-date'],
  ])('rejects the Date %j with %s (mailparser would say "now")', async (date, warning) => {
    const parsed = await parseMessage(mail('From: a@example.com', `Date: ${date}`, '', 'x'));
    expect(parsed.date).toBeNull();
    expect(parsed.warnings).toContain(warning);
  });

  it('keeps what there is of a truncated multipart message and says it was cut', async () => {
    const parsed = await parseMessage(
      mail(
        'From: a@example.com',
        'Subject: cut off',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'the beginning',
        '--b',
        'Content-Type: application/pdf; name="big.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        'JVBERi0xLjQKJcfs',
      ),
    );
    expect(parsed.subject).toBe('cut off');
    expect(parsed.text).toBe('the beginning');
    expect(parsed.attachments).toMatchObject([{ filename: 'big.pdf', contentType: 'application/pdf', size: 12 }]);
    expect(parsed.warnings).toContain('truncated');
  });

  it('ignores junk In-Reply-To prose and caps a runaway References list (root and latest kept)', async () => {
    const references = Array.from({ length: 300 }, (_, i) => `<r${i}@example.com>`).join(' ');
    const parsed = await parseMessage(
      mail('From: a@example.com', "In-Reply-To: Ann's message of Monday", `References: ${references}`, '', 'x'),
    );
    expect(parsed.inReplyTo).toBeNull();
    expect(parsed.references).toHaveLength(100);
    expect(parsed.references[0]).toBe('r0@example.com');
    expect(parsed.references.at(-1)).toBe('r299@example.com');
    expect(parsed.warnings).toContain('references-capped');
  });

  it('falls back to the header alone when mailparser gives up (a header block over the 4 MB limit)', async () => {
    // mailsplit counts each header line as at least 64 bytes: 100 000 short lines cost 6.4 MB.
    const filler = Array.from({ length: 100_000 }, (_, i) => `X-Filler-${i}: v`);
    const parsed = await parseMessage(
      mail('From: a@example.com', 'Subject: still readable', 'Message-ID: <big@example.com>', ...filler, '', 'x'),
    );
    expect(parsed.warnings[0]).toBe('parse-failed');
    expect(parsed).toMatchObject({ subject: 'still readable', messageId: 'big@example.com', text: null });
  });

  it.each([
    ['an empty buffer', Buffer.alloc(0), 'empty'],
    ['random bytes', pseudoRandomBytes(4096, 0x2545f491), 'no-headers'],
    ['NUL bytes', Buffer.alloc(2048), 'no-headers'],
    ['blank lines only', Buffer.from('\r\n\r\n\r\n'), 'no-headers'],
    ['a binary file (PNG signature)', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'no-headers'],
  ])('resolves on %s with a warning', async (_, source, warning) => {
    const parsed = await parseMessage(source);
    expectParsedMessage(parsed);
    expect(parsed.warnings).toContain(warning);
    expect(parsed.messageId).toBeNull();
  });

  it('resolves on many random inputs, with or without a plausible header in front', async () => {
    for (let seed = 1; seed <= 50; seed++) {
      const garbage = pseudoRandomBytes(512 + seed * 97, seed * 7919);
      expectParsedMessage(await parseMessage(garbage));
      expectParsedMessage(
        await parseMessage(
          Buffer.concat([
            mail('From: a@example.com', 'Content-Type: multipart/mixed; boundary=x', '', '--x', ''),
            garbage,
          ]),
        ),
      );
    }
  });
});

function expectParsedMessage(parsed: ParsedMessage): void {
  expect(Object.keys(parsed).sort()).toEqual(
    [
      'attachments',
      'autoSubmitted',
      'bcc',
      'cc',
      'date',
      'from',
      'html',
      'inReplyTo',
      'listId',
      'listUnsubscribe',
      'messageId',
      'precedence',
      'references',
      'replyTo',
      'subject',
      'text',
      'textTruncated',
      'to',
      'warnings',
    ].sort(),
  );
  expect(Array.isArray(parsed.warnings)).toBe(true);
  expect(Array.isArray(parsed.attachments)).toBe(true);
}
