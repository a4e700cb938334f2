import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { AccountSyncStatus } from '../../common/domain/mail.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttachmentContent, MessageAttachments } from '../../common/domain/attachments.js';
import type { ParsedAttachment, ParsedMessage } from '../../main/sync/mime/parsed-message.js';
import { runCli } from '../harness/cli.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, connectImap } from '../harness/imap-client.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { withStore } from '../harness/store-reader.js';
import { startTcpProxy, type TcpProxy } from '../harness/tcp-proxy.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Attachments stay on the server: the sync reads each message's structure first, fetches the text
// parts only, and records the rest as metadata. What it stores must be exactly what parsing the
// whole message gives, and the bytes that crossed the network must show the attachments did not.

// The parser as the sync runs it (compiled, like the core the harness opens).
const { parseMessage } = (await import('../../out/main/sync/mime/parse-message.js')) as {
  parseMessage(source: Buffer): Promise<ParsedMessage>;
};

const CRLF = '\r\n';

function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
}

function header(subject: string, id: string, contentType: string, extra: string[] = []): string[] {
  return [
    'From: Carol <carol@acme.test>',
    'To: Alice <alice@example.test>',
    `Subject: ${subject}`,
    'Date: Mon, 15 Jan 2024 10:00:00 +0000',
    `Message-ID: <${id}@attach.test>`,
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
    ...extra,
  ];
}

/** A message from lines (CRLF), its MIME parts separated by the given boundary. */
function mime(head: string[], parts: string[][] | null, boundary = 'b1', body = ''): Buffer {
  if (!parts) return Buffer.from([...head, '', body].join(CRLF));
  const lines = [...head, '', 'This is a multi-part message in MIME format.'];
  for (const part of parts) lines.push(`--${boundary}`, ...part);
  lines.push(`--${boundary}--`, 'epilogue text nobody reads', '');
  return Buffer.from(lines.join(CRLF));
}

const pdf = randomBytes(300 * 1024);
const zip = randomBytes(120 * 1024);
const png = randomBytes(60 * 1024);
const onlyPdf = randomBytes(80 * 1024);
const jpeg = randomBytes(50 * 1024);
const log = `${'2024-01-15 10:00:00 INFO line of a long log file\r\n'.repeat(1200)}`;

/** By Message-ID (before the @). */
const MESSAGES: Record<string, Buffer> = {
  // Text (quoted-printable UTF-8) and a large PDF.
  contract: mime(header('Contract', 'contract', 'multipart/mixed; boundary="b1"'), [
    [
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Gr=C3=BC=C3=9Fe, the signed contract is attached.=',
      'Second line of the same paragraph.',
    ],
    [
      'Content-Type: application/pdf; name="contract.pdf"',
      'Content-Disposition: attachment; filename="contract.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(pdf),
    ],
  ]),
  // mixed(alternative(plain, html), inline image by Content-ID, a zip with an RFC 2231 name).
  newsletter: Buffer.from(
    [
      ...header('Résumé and logo', 'newsletter', 'multipart/mixed; boundary="outer"'),
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary="inner"',
      '',
      '--inner',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'Plain version.',
      '--inner',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      '<p>HTML version, caf\u00e9 <img src="cid:logo@acme"></p>',
      '--inner--',
      '',
      '--outer',
      'Content-Type: image/png',
      'Content-ID: <logo@acme>',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(png),
      '--outer',
      'Content-Type: application/zip',
      "Content-Disposition: attachment; filename*=utf-8''R%C3%A9sum%C3%A9.zip",
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(zip),
      '--outer--',
      '',
    ].join(CRLF),
    'utf8',
  ),
  // The whole message is one PDF.
  'lone-pdf': mime(
    header('Scan', 'lone-pdf', 'application/pdf; name="scan.pdf"', [
      'Content-Disposition: attachment; filename="scan.pdf"',
      'Content-Transfer-Encoding: base64',
    ]),
    null,
    '',
    base64Lines(onlyPdf),
  ),
  // A large text attachment next to an HTML body: the attachment is not the text.
  'log-file': mime(
    header('Logs', 'log-file', 'multipart/mixed; boundary="b3"'),
    [
      ['Content-Type: text/html; charset=us-ascii', '', '<p>The <b>logs</b> you asked for.</p>'],
      ['Content-Type: text/plain; charset=us-ascii', 'Content-Disposition: attachment; filename="app.log"', '', log],
    ],
    'b3',
  ),
  // HTML with its image in a multipart/related, the image without a disposition (so: inline).
  related: mime(
    header('Signature', 'related', 'multipart/related; boundary="r1"; type="text/html"'),
    [
      ['Content-Type: text/html; charset=us-ascii', '', '<p>Hi <img src="cid:sig@acme"></p>'],
      [
        'Content-Type: image/jpeg',
        'Content-ID: <sig@acme>',
        'Content-Transfer-Encoding: base64',
        '',
        base64Lines(jpeg),
      ],
    ],
    'r1',
  ),
  // A small attachment: not worth separate fetches, the whole message comes down.
  tiny: mime(
    header('Tiny', 'tiny', 'multipart/mixed; boundary="b4"'),
    [
      ['Content-Type: text/plain; charset=us-ascii', '', 'See the note.'],
      [
        'Content-Type: text/plain; name="note.txt"',
        'Content-Disposition: attachment; filename="note.txt"',
        '',
        'a small note',
      ],
    ],
    'b4',
  ),
};
/** Attachments bytes the sync should leave on the server (encoded, as IMAP sizes count them). */
const SKIPPED_BYTES =
  [pdf, zip, png, onlyPdf, jpeg].reduce((sum, b) => sum + b.toString('base64').length, 0) + log.length;
const MAILBOX_BYTES = Object.values(MESSAGES).reduce((sum, message) => sum + message.length, 0);

let keyring: SecretService;
let dovecot: Dovecot;
let proxy: TcpProxy;
const data = makeTempDir();
let core: Awaited<ReturnType<typeof openTestCore>>;

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  dovecot = await startDovecot();
  const imap = await connectImap(dovecot);
  await appendMessages(imap, 'INBOX', Object.values(MESSAGES));
  await imap.logout();
  proxy = await startTcpProxy(dovecot.imapsPort);
  core = await openTestCore(data.path);
  expectOk(await core.call('profile.create', { displayName: 'Attachment tester' }));
});
afterAll(async () => {
  await core?.close();
  await proxy?.close();
  await dovecot?.stop();
  await keyring?.stop();
  data.remove();
});

type StoredRow = {
  message_id: string;
  body_text: string | null;
  body_html: string | null;
  subject: string | null;
  attachments_json: string;
  warnings_json: string;
  identity: string;
};

describe('attachments stay on the server', () => {
  it('stores what parsing the whole message gives, without downloading the attachments', async () => {
    const user = dovecot.users[0]!;
    expectOk(
      await core.call('accounts.addImap', {
        email: 'alice@example.test',
        host: dovecot.host,
        port: proxy.port,
        security: 'tls',
        user: user.user,
        password: user.password,
        caCertPem: dovecot.caCertPem,
      }),
    );
    const before = proxy.bytesToClient;
    const [status] = expectOk(await core.call<AccountSyncStatus[]>('sync.run', { wait: true }));
    expect(status).toMatchObject({ messages: Object.keys(MESSAGES).length, lastError: null });
    const received = proxy.bytesToClient - before;
    // Everything but the skipped attachments, plus protocol and TLS overhead, and never those.
    expect(received).toBeLessThan(MAILBOX_BYTES - SKIPPED_BYTES + 64 * 1024);

    const rows = await withStore(data.path, (db) =>
      db
        .prepare(
          'SELECT message_id, identity, subject, body_text, body_html, attachments_json, warnings_json FROM messages',
        )
        .all(),
    );
    const byId = new Map((rows as StoredRow[]).map((row) => [row.message_id.replace(/@attach\.test$/, ''), row]));
    for (const [name, source] of Object.entries(MESSAGES)) {
      const row = byId.get(name);
      const whole = await parseMessage(source);
      expect(row, name).toBeDefined();
      expect({ name, subject: row!.subject, text: row!.body_text, html: row!.body_html }).toEqual({
        name,
        subject: whole.subject,
        text: whole.text,
        html: whole.html,
      });
      expect(JSON.parse(row!.warnings_json), name).not.toContain('source-partial');
      const stored = JSON.parse(row!.attachments_json) as ParsedAttachment[];
      const expected = whole.attachments;
      expect(
        stored.map(({ size: _, ...rest }) => rest),
        name,
      ).toEqual(expected.map(({ size: _, ...rest }) => rest));
      // Sizes of the parts left on the server are estimated from their encoded size.
      for (const [index, attachment] of stored.entries()) {
        const exact = expected[index]!.size;
        expect(Math.abs(attachment.size - exact), `${name} ${attachment.filename}`).toBeLessThanOrEqual(
          Math.max(16, exact * 0.01),
        );
      }
    }
    expect(byId.get('newsletter')!.body_text).toBe('Plain version.');
    expect(JSON.parse(byId.get('related')!.attachments_json)).toMatchObject([{ partId: '2', inline: true }]);
    expect(JSON.parse(byId.get('lone-pdf')!.attachments_json)).toMatchObject([{ partId: '1', filename: 'scan.pdf' }]);
    expect(byId.get('contract')!.body_text).toContain('Grüße, the signed contract is attached.Second line');
    const newsletterFiles = (JSON.parse(byId.get('newsletter')!.attachments_json) as ParsedAttachment[]).map((a) => [
      a.filename,
      a.contentType,
      a.partId,
      a.inline,
      a.contentId,
    ]);
    expect(newsletterFiles).toEqual([
      [null, 'image/png', '2', false, 'logo@acme'],
      ['Résumé.zip', 'application/zip', '3', false, null],
    ]);
  });

  it('lists the attachments and downloads one on demand, byte for byte', async () => {
    const listed = expectOk(await core.call<MessageAttachments[]>('mail.listAttachments', {}));
    const subjects = listed.map((message) => message.subject).sort();
    expect(subjects).toEqual(['Contract', 'Logs', 'Résumé and logo', 'Scan', 'Signature', 'Tiny']);
    const bySubject = new Map(listed.map((message) => [message.subject, message]));
    const download = async (subject: string, partId: string) =>
      expectOk(
        await core.call<AttachmentContent>('mail.downloadAttachment', {
          messageId: bySubject.get(subject)!.messageId,
          partId,
        }),
      );
    const contract = await download('Contract', '2');
    expect(contract).toMatchObject({ filename: 'contract.pdf', contentType: 'application/pdf', size: pdf.length });
    expect(Buffer.from(contract.contentBase64, 'base64').equals(pdf)).toBe(true);
    const zipFile = await download('Résumé and logo', '3');
    expect(zipFile.filename).toBe('Résumé.zip');
    expect(Buffer.from(zipFile.contentBase64, 'base64').equals(zip)).toBe(true);
    const scan = await download('Scan', '1');
    expect(Buffer.from(scan.contentBase64, 'base64').equals(onlyPdf)).toBe(true);
    // A text attachment comes as sent (CRLF, no charset conversion).
    const logs = await download('Logs', '2');
    expect(Buffer.from(logs.contentBase64, 'base64').toString()).toBe(log);

    const missing = await core.call('mail.downloadAttachment', {
      messageId: bySubject.get('Contract')!.messageId,
      partId: '7',
    });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const hostile = await core.call('mail.downloadAttachment', { messageId: 1, partId: '../../etc/passwd' });
    expect(hostile).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('reports a message expunged since the last sync as gone, not as some other message', async () => {
    const listed = expectOk(await core.call<MessageAttachments[]>('mail.listAttachments', {}));
    const contract = listed.find((message) => message.subject === 'Contract')!;
    const imap = await connectImap(dovecot);
    const lock = await imap.getMailboxLock('INBOX');
    try {
      const uids = (await imap.search({ header: { 'message-id': 'contract@attach.test' } }, { uid: true })) || [];
      expect(uids).toHaveLength(1);
      await imap.messageDelete(uids.join(','), { uid: true });
    } finally {
      lock.release();
      await imap.logout();
    }
    const result = await core.call('mail.downloadAttachment', { messageId: contract.messageId, partId: '2' });
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('saves an attachment to a file from the CLI, and never overwrites one unasked', async () => {
    await core.close();
    const env = keyring.env;
    const listed = await runCli(['--data-dir', data.path, '--json', 'attachment', 'list'], { env });
    expect(listed.code).toBe(0);
    const messages = (listed.json as { value: MessageAttachments[] }).value;
    const zipMessage = messages.find((message) => message.subject === 'Résumé and logo')!;
    const out = makeTempDir();
    const save = () =>
      runCli(['--data-dir', data.path, 'attachment', 'save', String(zipMessage.messageId), '3', '--out', out.path], {
        env,
      });
    try {
      const saved = await save();
      expect(saved.stderr).toBe('');
      expect(saved.code).toBe(0);
      expect(readFileSync(join(out.path, 'Résumé.zip')).equals(zip)).toBe(true);
      const again = await save();
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('--force');
    } finally {
      out.remove();
    }
  });
});
