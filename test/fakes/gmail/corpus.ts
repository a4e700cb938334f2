import { randomBytes } from 'node:crypto';

const CRLF = '\r\n';

export type CorpusMessage = { raw: Buffer; date: Date; messageId: string };

function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
}

/** A small text message, `index` days (and minutes) before `base`. */
export function textMessage(index: number, base = Date.UTC(2026, 10, 1)): CorpusMessage {
  const date = new Date(base - index * 3_600_000);
  const messageId = `m${index}.${randomBytes(4).toString('hex')}@gmail-corpus.test`;
  const raw = Buffer.from(
    [
      `From: Carol ${index} <carol${index}@acme.test>`,
      'To: Alice <alice@example.test>',
      `Subject: Message number ${index}`,
      `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <${messageId}>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      `Hello Alice, this is message ${index}. Gr=C3=BC=C3=9Fe.`,
      '',
    ].join(CRLF),
  );
  return { raw, date, messageId };
}

/**
 * mixed(alternative(plain, html), related-less inline image by Content-ID, a PDF attachment with
 * an RFC 2231 file name): large enough (the PDF) to be fetched as format=full.
 */
export function attachmentMessage(
  index: number,
  pdfBytes = 80 * 1024,
  base = Date.UTC(2026, 10, 1),
): CorpusMessage & {
  pdf: Buffer;
  png: Buffer;
} {
  const date = new Date(base - index * 3_600_000 + 60_000);
  const messageId = `a${index}.${randomBytes(4).toString('hex')}@gmail-corpus.test`;
  const pdf = randomBytes(pdfBytes);
  const png = randomBytes(2048);
  const lines = [
    'From: Dave <dave@acme.test>',
    'To: Alice <alice@example.test>',
    `Subject: Contract ${index}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer-b"',
    '',
    'This is a multi-part message in MIME format.',
    '--outer-b',
    'Content-Type: multipart/alternative; boundary="alt-b"',
    '',
    '--alt-b',
    'Content-Type: text/plain; charset=iso-8859-1',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    `The contract ${index} is attached. Gr=FC=DFe.`,
    '--alt-b',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(Buffer.from(`<p>The contract ${index} is attached. <img src="cid:logo${index}@x"></p>`)),
    '--alt-b--',
    '--outer-b',
    'Content-Type: image/png',
    'Content-Disposition: inline; filename="logo.png"',
    `Content-ID: <logo${index}@x>`,
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(png),
    '--outer-b',
    'Content-Type: application/pdf',
    "Content-Disposition: attachment; filename*=utf-8''Vertr%C3%A4ge%20" + index + '.pdf',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(pdf),
    '--outer-b--',
    '',
  ];
  return { raw: Buffer.from(lines.join(CRLF)), date, messageId, pdf, png };
}
