import { randomUUID } from 'node:crypto';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { Dovecot, DovecotUser } from './dovecot.js';

/**
 * A logged-in imapflow client for a harness Dovecot, over IMAPS with the certificate verified
 * against the harness CA. `overrides` reach imapflow as they are (a proxy's port, `qresync`, ...).
 */
export async function connectImap(
  dovecot: Dovecot,
  user: DovecotUser = dovecot.users[0]!,
  overrides: Partial<ImapFlowOptions> = {},
): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.imapsPort,
    secure: true,
    auth: { user: user.user, pass: user.password },
    tls: { ca: dovecot.caCertPem },
    logger: false,
    ...overrides,
  });
  // imapflow also emits connection failures as 'error' events, which crash the process with no
  // listener; the failing command's promise already reports them to the test.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** APPENDs on one connection, one after another; returns the UIDs Dovecot gave them (UIDPLUS). */
export async function appendMessages(
  client: ImapFlow,
  mailbox: string,
  messages: readonly (string | Buffer)[],
  flags: string[] = [],
): Promise<number[]> {
  const uids: number[] = [];
  for (const [index, message] of messages.entries()) {
    const result = await client.append(mailbox, message, flags);
    if (!result || result.uid === undefined)
      throw new Error(`APPEND of message ${index} to ${mailbox} returned no UID`);
    uids.push(result.uid);
  }
  return uids;
}

export type MessageSpec = {
  from?: string;
  to?: string | string[];
  subject?: string;
  date?: Date;
  /** With or without angle brackets; a random one when missing. */
  messageId?: string;
  inReplyTo?: string;
  references?: string | string[];
  body?: string;
  headers?: Record<string, string>;
};

/** A small valid RFC 5322 text/plain message, CRLF line endings; non-ASCII is UTF-8 (8bit). */
export function buildMessage(spec: MessageSpec = {}): string {
  const to = Array.isArray(spec.to) ? spec.to.join(', ') : (spec.to ?? 'Bob Example <bob@example.test>');
  const references = Array.isArray(spec.references) ? spec.references.map(bracket).join(' ') : spec.references;
  const body = spec.body ?? 'Hello.\n';
  const headers: [string, string | undefined][] = [
    ['From', encodeWords(spec.from ?? 'Alice Example <alice@example.test>')],
    ['To', encodeWords(to)],
    ['Subject', encodeWords(spec.subject ?? 'Test message')],
    ['Date', rfc5322Date(spec.date ?? new Date('2024-01-15T10:00:00Z'))],
    ['Message-ID', bracket(spec.messageId ?? `${randomUUID()}@clientele.test`)],
    ['In-Reply-To', spec.inReplyTo === undefined ? undefined : bracket(spec.inReplyTo)],
    ['References', references === undefined ? undefined : bracket(references)],
    ['MIME-Version', '1.0'],
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Transfer-Encoding', isAscii(body) ? '7bit' : '8bit'],
    ...Object.entries(spec.headers ?? {}),
  ];
  const head = headers.filter(([, value]) => value !== undefined).map(([name, value]) => `${name}: ${value}`);
  const text = body.replace(/\r?\n/g, '\r\n');
  return `${head.join('\r\n')}\r\n\r\n${text.endsWith('\r\n') ? text : `${text}\r\n`}`;
}

function bracket(id: string): string {
  return id.startsWith('<') ? id : `<${id}>`;
}

function isAscii(text: string): boolean {
  // Only ASCII characters take one UTF-8 byte each.
  return Buffer.byteLength(text, 'utf8') === text.length;
}

/** Header values must be ASCII: a non-ASCII value becomes one RFC 2047 encoded word. */
function encodeWords(value: string): string {
  if (isAscii(value)) return value;
  const address = /^(.*?)\s*(<[^>]*>)$/.exec(value);
  const phrase = address ? address[1]! : value;
  const encoded = `=?UTF-8?B?${Buffer.from(phrase, 'utf8').toString('base64')}?=`;
  return address ? `${encoded} ${address[2]}` : encoded;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function rfc5322Date(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${time} +0000`;
}
