// A deterministic, realistic mailbox written straight into a Maildir (Dovecot's own layout):
// far faster than APPEND, and Dovecot indexes the files on first access like mail a local
// delivery agent dropped there. Same seed, same N: byte-identical messages.
import { spawnSync } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const OWNER = { name: 'Alice Example', address: 'alice@example.test' };

/** The 12 folders and their share of the mail (INBOX largest). Projects/* are 9 project folders. */
const HOMES = [
  ['INBOX', 36],
  ['Archive', 20],
  ['Projects/Acme', 6],
  ['Projects/Globex', 4],
  ['Projects/Initech', 3.5],
  ['Projects/Umbrella', 3],
  ['Projects/Hooli', 2.5],
  ['Projects/Stark', 2],
  ['Projects/Wayne', 1.5],
  ['Projects/Tyrell', 1],
  ['Projects/Cyberdyne', 0.5],
];
/** Messages Alice writes land in Sent, whatever thread they belong to. */
const SENT_SHARE = 0.16;
export const FOLDERS = ['INBOX', 'Sent', ...HOMES.slice(1).map(([path]) => path)];

/** mulberry32: small, fast and good enough for test data. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the of and to a in for is on that by this with you it not or be are from at as your all have new more an was ' +
  'we will can us about if page my has our one other do no information time they site he up may what which their ' +
  'proposal quarterly pipeline renewal contract invoice pricing discount forecast meeting agenda customer account ' +
  'deliverable milestone onboarding integration requirements feedback timeline budget approval legal procurement ' +
  'security review deployment migration rollout workshop training support escalation ticket license seats tier ' +
  'annual monthly revenue margin quote signature redlines kickoff stakeholder champion decision scope pilot trial ' +
  'follow next steps thanks regards attached please let know questions call tomorrow week friday monday schedule'
).split(' ');
const ACCENTED = ['Müller', 'café', 'naïve', 'Zürich', 'São Paulo', 'Øresund', 'Łódź', 'crème brûlée', 'Ångström'];
const FIRST = ['Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory', 'Niaj', 'Olivia'];
const LAST = ['Smith', 'Jones', 'Garcia', 'Müller', 'Rossi', 'Kowalski', 'Nakamura', 'Okafor', 'Dubois', 'Larsen'];
const DOMAINS = ['acme.test', 'globex.test', 'initech.test', 'umbrella.test', 'hooli.test', 'stark.test', 'wayne.test'];
const MAILERS = [
  'X-Mailer: Microsoft Outlook 16.0',
  'User-Agent: Mozilla Thunderbird',
  'X-Mailer: Apple Mail (2.3774.500.171.1.1)',
  'User-Agent: Roundcube Webmail/1.6.5',
];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function rfc5322Date(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return (
    `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

function encodeWord(text) {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function mailbox({ name, address }) {
  return `${encodeWord(name)} <${address}>`;
}

/** Quoted-printable (RFC 2045) of UTF-8 text, LF line ends, soft breaks at 76. */
function quotedPrintable(text) {
  const out = [];
  for (const line of text.split('\n')) {
    let encoded = '';
    for (const byte of Buffer.from(line, 'utf8')) {
      encoded +=
        byte === 0x3d || byte > 0x7e
          ? `=${byte.toString(16).toUpperCase().padStart(2, '0')}`
          : String.fromCharCode(byte);
    }
    while (encoded.length > 76) {
      let cut = 75;
      // Never split an =XX escape.
      if (encoded[cut - 1] === '=') cut -= 1;
      else if (encoded[cut - 2] === '=') cut -= 2;
      out.push(`${encoded.slice(0, cut)}=`);
      encoded = encoded.slice(cut);
    }
    out.push(encoded);
  }
  return out.join('\n');
}

function fold(name, items) {
  return `${name}: ${items.join('\n ')}`;
}

/**
 * Generates the mailbox into `maildir` (the user's ~/Maildir) and chowns `chownRoot` to `owner`
 * ('user:group': Dovecot reads the mail as that user).
 * Returns { messages, folders: {path: count}, bytes (on disk, LF), rfc822Bytes (CRLF, as IMAP counts) }.
 */
export function generateMaildir({ maildir, count, seed = 20240115, owner, chownRoot = maildir }) {
  const random = prng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const between = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));

  // Pools sliced at random offsets: generating 1-2 GB word by word would take minutes.
  const lines = [];
  for (let i = 0; i < 4000; i++) {
    const words = [];
    let length = 0;
    const target = between(40, 72);
    while (length < target) {
      const word = random() < 0.01 ? pick(ACCENTED) : pick(WORDS);
      words.push(word);
      length += word.length + 1;
    }
    const sentence = words.join(' ');
    lines.push(sentence[0].toUpperCase() + sentence.slice(1) + (random() < 0.3 ? '.' : ''));
  }
  const asciiLines = lines.map((line) => line.normalize('NFD').replace(/[^\x20-\x7e]/g, ''));
  const binary = Buffer.alloc(1536 * 1024);
  for (let i = 0; i < binary.length; i += 4) binary.writeUInt32LE(Math.floor(random() * 4294967296), i);
  const base64Pool = binary.toString('base64');

  const paragraphText = (bytes, ascii) => {
    const source = ascii ? asciiLines : lines;
    const out = [];
    let size = 0;
    let index = between(0, source.length - 1);
    while (size < bytes) {
      const line = source[index++ % source.length];
      out.push(line);
      size += line.length + 1;
      if (random() < 0.12) {
        out.push('');
        size += 1;
      }
    }
    return out.join('\n');
  };
  const base64Body = (bytes) => {
    const chars = Math.floor((bytes * 76) / 77 / 4) * 4;
    const start = between(0, Math.max(0, base64Pool.length - chars - 1)) & ~3;
    const slice = base64Pool.slice(start, start + chars);
    const out = [];
    for (let i = 0; i < slice.length; i += 76) out.push(slice.slice(i, i + 76));
    return out.join('\n');
  };

  const contacts = [];
  for (let i = 0; i < 400; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const domain = pick(DOMAINS);
    const local = `${first}.${last}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z.]/g, '');
    contacts.push({ name: `${first} ${last}`, address: `${local}${i}@${domain}` });
  }

  const homeTotal = HOMES.reduce((sum, [, weight]) => sum + weight, 0);
  const pickHome = () => {
    let r = random() * homeTotal;
    for (const [path, weight] of HOMES) if ((r -= weight) < 0) return path;
    return 'INBOX';
  };

  const folderDir = (path) => (path === 'INBOX' ? maildir : join(maildir, `.${path.replaceAll('/', '.')}`));
  const counts = Object.fromEntries(FOLDERS.map((path) => [path, 0]));
  for (const path of FOLDERS) {
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(folderDir(path), sub), { recursive: true });
    if (path !== 'INBOX') writeFileSync(join(folderDir(path), 'maildirfolder'), '');
  }

  // Three years of mail, oldest first, so UIDs follow dates as on a real server.
  const end = Date.UTC(2025, 0, 1);
  const start = end - 3 * 365 * 86400_000;
  const step = (end - start) / Math.max(1, count);
  const threads = [];
  let bytes = 0;
  let rfc822Bytes = 0;

  for (let i = 0; i < count; i++) {
    const date = new Date(start + i * step + Math.floor(random() * step));
    let thread;
    if (threads.length === 0 || random() < 0.4) {
      const topic = `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}`;
      thread = {
        subject: `${topic[0].toUpperCase()}${topic.slice(1)}${random() < 0.05 ? ` ${pick(ACCENTED)}` : ''} #${i}`,
        home: pickHome(),
        people: [pick(contacts), ...(random() < 0.3 ? [pick(contacts)] : [])],
        ids: [],
      };
      threads.push(thread);
      if (threads.length > 300) threads.splice(0, threads.length - 300);
    } else {
      // Replies go mostly to recent conversations.
      thread = threads[threads.length - 1 - Math.floor(random() ** 2 * threads.length)];
    }
    const fromSelf = random() < SENT_SHARE;
    const folder = fromSelf ? 'Sent' : thread.home;
    const correspondent = thread.people[0];
    const from = fromSelf ? OWNER : pick(thread.people);
    const to = fromSelf ? [correspondent] : [OWNER];
    const cc = thread.people.length > 1 ? thread.people.slice(1).filter((p) => p !== from) : [];
    const messageId = `${date.getTime().toString(36)}.${i}.${Math.floor(random() * 1e9).toString(36)}@${
      fromSelf ? 'example.test' : from.address.split('@')[1]
    }`;
    const newsletter = !fromSelf && thread.ids.length === 0 && random() < 0.05;

    const head = [];
    if (!fromSelf) {
      head.push(
        `Return-Path: <${from.address}>`,
        `Delivered-To: ${OWNER.address}`,
        `Received: from mx.example.test (mx.example.test [192.0.2.10])\n\tby mail.example.test (Postfix) with ESMTPS id ${(i * 7919).toString(16).toUpperCase()}\n\tfor <${OWNER.address}>; ${rfc5322Date(date)}`,
        `Received: from smtp.${from.address.split('@')[1]} (smtp.${from.address.split('@')[1]} [198.51.100.${i % 250}])\n\tby mx.example.test (Postfix) with ESMTPS; ${rfc5322Date(date)}`,
        `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${from.address.split('@')[1]}; s=s1;\n\th=from:to:subject:date:message-id; bh=${base64Body(33).replaceAll('\n', '')}=;\n\tb=${base64Body(260).replaceAll('\n', '\n\t  ')}`,
      );
    }
    head.push(`From: ${mailbox(from)}`, `To: ${to.map(mailbox).join(', ')}`);
    if (cc.length > 0) head.push(`Cc: ${cc.map(mailbox).join(', ')}`);
    head.push(
      `Subject: ${encodeWord(thread.ids.length > 0 ? `Re: ${thread.subject}` : thread.subject)}`,
      `Date: ${rfc5322Date(date)}`,
      `Message-ID: <${messageId}>`,
    );
    if (thread.ids.length > 0) {
      head.push(`In-Reply-To: <${thread.ids.at(-1)}>`);
      head.push(
        fold(
          'References',
          thread.ids.slice(-10).map((id) => `<${id}>`),
        ),
      );
    }
    head.push(pick(MAILERS));
    if (newsletter) {
      head.push(
        `List-Id: Product news <news.${from.address.split('@')[1]}>`,
        `List-Unsubscribe: <https://${from.address.split('@')[1]}/unsubscribe?u=${i}>`,
        'Precedence: bulk',
      );
    }
    head.push('MIME-Version: 1.0');
    thread.ids.push(messageId);

    const kind = random();
    let body;
    const boundary = `----=_Part_${i}_${Math.floor(random() * 1e9)}`;
    const textPart = (size) => {
      if (random() < 0.15) {
        return [
          'Content-Type: text/plain; charset=utf-8',
          'Content-Transfer-Encoding: quoted-printable',
          '',
          quotedPrintable(paragraphText(size, false)),
        ];
      }
      return [
        'Content-Type: text/plain; charset=us-ascii',
        'Content-Transfer-Encoding: 7bit',
        '',
        paragraphText(size, true),
      ];
    };
    if (kind < 0.03) {
      // 3%: a 200 KB - 1 MB attachment (base64), with a short text part.
      const attachment = between(200 * 1024, 1024 * 1024);
      head.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
      body = [
        'This is a multi-part message in MIME format.',
        '',
        `--${boundary}`,
        ...textPart(between(1024, 4096)),
        `--${boundary}`,
        `Content-Type: application/pdf; name="document-${i}.pdf"`,
        `Content-Disposition: attachment; filename="document-${i}.pdf"`,
        'Content-Transfer-Encoding: base64',
        '',
        base64Body(attachment),
        `--${boundary}--`,
        '',
      ].join('\n');
    } else if (kind < 0.13) {
      // 10%: HTML newsletters and rich replies, multipart/alternative, 30-80 KB.
      const size = between(30 * 1024, 80 * 1024);
      const text = paragraphText(Math.floor(size * 0.3), true);
      const paragraphs = paragraphText(Math.floor(size * 0.45), true).split('\n\n');
      const html = [
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>p{margin:0 0 12px;font-family:Arial}</style></head>',
        '<body><table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td style="padding:24px">',
        ...paragraphs.map(
          (p) => `<p style="font-size:14px;line-height:20px;color:#333333">${p.replaceAll('\n', '<br>\n')}</p>`,
        ),
        `<p><a href="https://example.test/track?id=${i}" style="color:#1a73e8">View online</a></p>`,
        '</td></tr></table></body></html>',
      ].join('\n');
      head.push(`Content-Type: multipart/alternative; boundary="${boundary}"`);
      body = [
        `--${boundary}`,
        'Content-Type: text/plain; charset=us-ascii',
        'Content-Transfer-Encoding: 7bit',
        '',
        text,
        `--${boundary}`,
        'Content-Type: text/html; charset=us-ascii',
        'Content-Transfer-Encoding: 7bit',
        '',
        html,
        `--${boundary}--`,
        '',
      ].join('\n');
    } else {
      // Most mail: 2-20 KB of text (replies quote a little of the conversation).
      const size = between(2 * 1024, 20 * 1024);
      const [typeLine, encodingLine, , text] = textPart(size);
      head.push(typeLine, encodingLine);
      body = `${text}\n`;
    }
    const message = Buffer.from(`${head.join('\n')}\n\n${body}`, 'utf8');
    let lineCount = 0;
    for (let at = message.indexOf(10); at !== -1; at = message.indexOf(10, at + 1)) lineCount++;
    // IMAP sizes count CRLF line ends; the file has LF (as Dovecot stores mail).
    const virtual = message.length + lineCount;

    const flags =
      (random() < 0.02 ? 'F' : '') +
      (fromSelf ? '' : random() < 0.25 ? 'R' : '') +
      (i > count * 0.97 && random() < 0.6 ? '' : 'S');
    const seconds = Math.floor(date.getTime() / 1000);
    const name = `${seconds}.M${i}P1.bench,S=${message.length},W=${virtual}:2,${flags}`;
    const path = join(folderDir(folder), 'cur', name);
    writeFileSync(path, message);
    // Maildir's INTERNALDATE is the file's mtime.
    utimesSync(path, seconds, seconds);
    counts[folder] += 1;
    bytes += message.length;
    rfc822Bytes += virtual;
  }

  const chown = spawnSync('chown', ['-R', owner, chownRoot], { encoding: 'utf8' });
  if (chown.status !== 0) throw new Error(`chown of the Maildir failed: ${chown.stderr}`);
  return { messages: count, folders: counts, bytes, rfc822Bytes };
}
