import { describe, expect, it } from 'vitest';
import { declaredTextCharsets, declaredTextCharsetsIn } from '../../main/sync/mime/charsets.js';
import { parseMimeTree } from '../../main/sync/mime/mime-tree.js';
import { parseMessage } from '../../main/sync/mime/parse-message.js';

// The parse takes shortcuts where mailparser's full pass does work whose result is thrown away
// (mime-tree.ts: the single-part path, attachment sizes counted without decoding base64;
// charsets.ts: declared charsets found without turning the message into a string). Each must
// answer exactly what the long way answers: these tests put both side by side.

/** A deterministic PRNG (LCG), so a failing case can be reproduced from its index. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

const HEADERS = [
  'From: Ann <ann@x.test>',
  'From: =?utf-8?B?w4RubmE=?= <a@x.test>',
  'To: b@y.test, "C, D" <c@z.test>',
  'Subject: Hello',
  'Subject: =?iso-8859-1?Q?Gr=FC=DFe?=',
  'Subject: caf\xc3\xa9 raw UTF-8',
  'Subject: caf\xe9 raw Latin-1',
  'Date: Tue, 1 Jul 2025 10:00:00 +0000',
  'Message-ID: <a@b.test>',
  'References: <r1@x.test> <r2@x.test>',
  'X-Folded: a\r\n b\r\n\tc',
  'Received: from x\r\n\tby y',
  'Content-ID: <cid@x.test>',
  'X-Empty:',
  'A line without a colon',
  ' a continuation first',
  'From ann@x.test Tue Jul  1 10:00:00 2025',
];
const CONTENT_TYPES = [
  '',
  'Content-Type: text/plain',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Type: text/plain; charset="iso-8859-1"',
  'Content-Type: text/plain; charset=windows-1252',
  'Content-Type: text/plain; charset=koi8-r',
  'Content-Type: text/plain; charset=x-unknown',
  'Content-Type: text/plain; charset=utf-7',
  'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII',
  'Content-Type: text/html; charset=utf-8',
  'Content-Type: text/html',
  'Content-Type: text/plain; format=flowed; delsp=yes',
  'Content-Type: application/pdf',
  'Content-Type: message/rfc822',
  'Content-Type: multipart/mixed; boundary=b',
  'Content-Type: text/plain (comment); charset=utf-8',
  'Content-Type: message/delivery-status',
  'Content-type: text/plain;\r\n charset=utf-8',
];
const ENCODINGS = [
  '',
  'Content-Transfer-Encoding: 7bit',
  'Content-Transfer-Encoding: 8bit',
  'Content-Transfer-Encoding: quoted-printable',
  'Content-Transfer-Encoding: base64',
  'Content-Transfer-Encoding: Base64',
  'Content-Transfer-Encoding: "base64"',
  'Content-Transfer-Encoding: x-uuencode',
];
const DISPOSITIONS = [
  '',
  '',
  'Content-Disposition: inline',
  'Content-Disposition: attachment; filename=a.txt',
  'Content-Disposition: odd',
];
const BODY = [
  'Hello world',
  'caf\xc3\xa9',
  'caf\xe9',
  '=C3=A9',
  '=\r\n',
  '=3D',
  'SGVsbG8gd29ybGQ=',
  '<p>hi</p>',
  '\r\n',
  '\n',
  '\r',
  '\t',
  '--b',
  'Content-Type: text/plain; charset=foo',
  '\x00',
  '\xff\xfe',
];

/** A random single-part-looking message: sometimes one the short path takes, sometimes not. */
function randomMessage(random: () => number): Buffer {
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const lines: string[] = [];
  for (let i = Math.floor(random() * 8); i > 0; i--) lines.push(pick(HEADERS));
  for (const field of [pick(CONTENT_TYPES), pick(ENCODINGS), pick(DISPOSITIONS)]) if (field) lines.push(field);
  const eol = random() < 0.8 ? '\r\n' : '\n';
  let body = '';
  for (let i = Math.floor(random() * 60); i > 0; i--) body += pick(BODY) + (random() < 0.3 ? eol : '');
  const separator = random() < 0.9 ? eol + eol : random() < 0.5 ? eol : '';
  return Buffer.from((random() < 0.03 ? eol : '') + lines.join(eol) + separator + body, 'latin1');
}

describe('the single-part path', () => {
  it('reads what mailparser reads, whatever the header, charset, encoding and body', async () => {
    const random = prng(20250701);
    let shortPath = 0;
    for (let i = 0; i < 1500; i++) {
      const source = randomMessage(random);
      const full = await parseMimeTree(source, { singlePart: false }).catch((error: Error) => error.message);
      const short = await parseMimeTree(source).catch((error: Error) => error.message);
      expect(short, `message ${i}: ${JSON.stringify(source.toString('latin1'))}`).toEqual(full);
      if (typeof full !== 'string' && full.attachments.length === 0) shortPath += 1;
    }
    // Many of the cases are plain or HTML parts without attachments, the ones the short path takes.
    expect(shortPath).toBeGreaterThan(300);
  });

  it('keeps CR LF, lone CR and LF as mailparser does (CR LF to LF only)', async () => {
    const source = Buffer.from('Subject: x\r\n\r\na\r\nb\rc\nd\r\r\ne', 'latin1');
    const short = await parseMimeTree(source);
    expect(short.text).toBe('a\nb\rc\nd\r\ne');
    expect(short).toEqual(await parseMimeTree(source, { singlePart: false }));
  });
});

describe('attachment sizes', () => {
  const withAttachment = (base64: string): Buffer =>
    Buffer.from(
      [
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'see attached',
        '--b',
        'Content-Type: application/pdf',
        'Content-Disposition: attachment; filename="a.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        base64,
        '--b--',
        '',
      ].join('\r\n'),
      'latin1',
    );

  it.each([
    ['no padding', 'aGVsbG8gd29ybGQh', 12],
    ['one pad', 'aGVsbG8gd29ybGQ=', 11],
    ['two pads', 'aGVsbG8gd29ybA==', 10],
    ['folded lines and stray bytes', 'aGVs\r\nbG8g\r\n d29y-bGQ_h', 12],
    ['a dangling character', 'aGVsbG8gd29ybGQhQ', 12],
    // Padding in the middle: libbase64 decodes segment by segment, so this is "hello" + "world".
    ['padding in the middle', 'aGVsbG8=\r\nd29ybGQ=', 10],
    ['empty', '', 0],
  ])('counts the decoded bytes without decoding: %s', async (_, base64, size) => {
    const parsed = await parseMessage(withAttachment(base64));
    expect(parsed.attachments.map((attachment) => attachment.size)).toEqual([size]);
  });

  it('counts a large attachment as the decoder would', async () => {
    const bytes = Buffer.alloc(300_000, 7);
    const base64 = bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
    const parsed = await parseMessage(withAttachment(base64));
    expect(parsed.attachments[0]?.size).toBe(bytes.length);
  });
});

describe('declared text charsets', () => {
  it('finds in the bytes what the regular expression finds in the latin1 string', () => {
    const random = prng(42);
    const bits = [
      'Content-Type: text/plain; charset=utf-8',
      'content-TYPE:\ttext/html;\r\n charset="iso-8859-1"',
      'CONTENT-TYPE:text/x; charset = koi8-r',
      'Content-Type: multipart/mixed; charset=no',
      'Content-Type: text/plain;\n\tcharset=utf-7',
      ' Content-Type: text/plain; charset=indented',
      'X-Content-Type: text/plain; charset=prefixed',
      'Content-Type : text/plain; charset=spaced',
      'Content-Type: text/plain; charset=a\rContent-Type: text/plain; charset=b',
      'cOnTeNt-TyPe: tExT/plain; charset="q',
      '-',
      'world-wide',
      '\r\n',
      '\n',
      '\r',
      ' ',
      '\xe9',
      '\r\n\tcharset=folded',
    ];
    for (let i = 0; i < 3000; i++) {
      let text = '';
      for (let n = Math.floor(random() * 30); n > 0; n--) text += bits[Math.floor(random() * bits.length)];
      const raw = Buffer.from(text, 'latin1');
      expect(declaredTextCharsetsIn(raw), JSON.stringify(text)).toEqual(declaredTextCharsets(raw.toString('latin1')));
    }
  });
});
