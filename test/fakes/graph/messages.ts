import { randomUUID } from 'node:crypto';

export type TestMail = { mime: string; messageId: string; attachment: Buffer | null };

/**
 * A test message as raw MIME (CRLF): text/plain, or multipart/mixed with one attachment of
 * `attachmentBytes` deterministic bytes.
 */
export function testMail(index: number, options: { attachmentBytes?: number; date?: Date } = {}): TestMail {
  const messageId = `<${randomUUID()}@graph.test>`;
  const date = (options.date ?? new Date(Date.UTC(2024, 0, 1) + index * 60_000)).toUTCString().replace('GMT', '+0000');
  const head = [
    'From: Carol Client <carol@client.test>',
    'To: Alice <alice@contoso.test>',
    `Subject: Message ${index}`,
    `Date: ${date}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
  ];
  const text = `Hello number ${index}.\r\nSecond line.\r\n`;
  if (!options.attachmentBytes) {
    return {
      mime: [...head, 'Content-Type: text/plain; charset=utf-8', '', text].join('\r\n'),
      messageId,
      attachment: null,
    };
  }
  const attachment = Buffer.alloc(options.attachmentBytes);
  for (let i = 0; i < attachment.length; i++) attachment[i] = (i * 31 + index) % 251;
  const boundary = `b-${index}-x`;
  const encoded = attachment
    .toString('base64')
    .match(/.{1,76}/g)!
    .join('\r\n');
  const mime = [
    ...head,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    `--${boundary}`,
    `Content-Type: application/pdf; name="report-${index}.pdf"`,
    `Content-Disposition: attachment; filename="report-${index}.pdf"`,
    'Content-Transfer-Encoding: base64',
    '',
    encoded,
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { mime, messageId, attachment };
}
