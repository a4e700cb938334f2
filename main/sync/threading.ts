import { createHash } from 'node:crypto';
import type { ParsedMessage } from './mime/parsed-message.js';

/*
 * Threading rule (the store applies it with the keys computed here):
 *  1. Join the thread of any message this one references (In-Reply-To, References), or that
 *     references this one (a reply synced before its parent); several threads found are merged.
 *  2. Else join the thread whose normalized subject equals this one's and whose last message is
 *     within SUBJECT_WINDOW_DAYS of this one's date (the caller looks it up).
 *  3. Else start a new thread.
 * An empty normalized subject ("Re:", no subject) never matches by subject: it would chain every
 * subject-less mail of an account into one thread.
 */

export const SUBJECT_WINDOW_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Reply and forward prefixes: English and the ones Outlook, Thunderbird and Apple Mail write in
 * German (AW, WG, Antw), Scandinavian (SV, VS, VB), Dutch (Antw, Doorst), French (TR), Italian (RIF),
 * Polish (Odp, PD), Portuguese/Spanish (RES, ENC, RV), Turkish (YNT, İLT) and Chinese (回复, 回覆,
 * 答复, 转发, 轉寄). Matched after NFKC, so full-width forms (ＲＥ：) count too. An optional counter
 * (Re[2]:, Re(3):, Re^2:) and spaces before the colon are allowed.
 */
const PREFIX =
  /^(?:re|fwd?|fw|aw|wg|sv|vs|vb|antw|antwort|doorst|tr|rif|odp|pd|res|enc|rv|ynt|i\u0307?lt|回复|回覆|答复|转发|轉寄)\s*(?:\[\d+\]|\(\d+\)|\^\d+)?\s*:\s*/u;
/** A leading tag such as [sales-list] or [EXTERNAL]: mailing lists and gateways add them. */
const TAG = /^\[[^\][]{0,100}\]\s*/u;
/** Zero-width characters and the BOM, which some clients leave in subjects. */
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/gu;

/**
 * The subject as a thread key: reply/forward prefixes (any case, repeated, mixed with [list]
 * tags) removed, Unicode normalized (NFKC) and lower-cased, whitespace collapsed. Not for display.
 * Returns '' when nothing is left.
 */
export function normalizeSubject(subject: string | null | undefined): string {
  // Lower-cased first, so the prefixes match in any case, Turkish İ (which no regex flag folds) too.
  let rest = (subject ?? '').normalize('NFKC').toLowerCase().replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
  for (;;) {
    const next = rest.replace(PREFIX, '').replace(TAG, '');
    if (next === rest) break;
    rest = next;
  }
  return rest.trim();
}

export type ThreadKeys = {
  /** Message ids whose threads this message joins, nearest first: In-Reply-To, then References newest to oldest. */
  ids: string[];
  /** normalizeSubject(subject); null when empty (never matched by subject). */
  subjectKey: string | null;
  /** Where a subject match counts: the message's date ± SUBJECT_WINDOW_DAYS; null without a date. */
  subjectWindow: { from: string; to: string } | null;
};

/**
 * The keys the store looks up to thread a message (see the rule above). `receivedAt` (e.g. the IMAP
 * INTERNALDATE) stands in for a missing or unusable Date header.
 */
export function threadKeyCandidates(
  parsed: Pick<ParsedMessage, 'messageId' | 'inReplyTo' | 'references' | 'subject' | 'date'>,
  options: { receivedAt?: string | null } = {},
): ThreadKeys {
  const ids = [...(parsed.inReplyTo ? [parsed.inReplyTo] : []), ...[...parsed.references].reverse()];
  const unique = [...new Set(ids)].filter((id) => id !== parsed.messageId);
  const subjectKey = normalizeSubject(parsed.subject) || null;
  const at = Date.parse(parsed.date ?? options.receivedAt ?? '');
  const subjectWindow =
    subjectKey !== null && Number.isFinite(at)
      ? {
          from: new Date(at - SUBJECT_WINDOW_DAYS * DAY_MS).toISOString(),
          to: new Date(at + SUBJECT_WINDOW_DAYS * DAY_MS).toISOString(),
        }
      : null;
  return { ids: unique, subjectKey, subjectWindow };
}

/** How much of the body (after canonicalization) goes into the identity hash. */
const IDENTITY_TEXT_CHARS = 4096;

/**
 * A stable identity for a message within an account, the same in every folder and after the
 * server renumbers (UIDVALIDITY): `mid:<Message-ID>:<hash>` or `sha256:<hash>` without a Message-ID.
 * The hash covers date, from, subject and the first 4 KB of text, so two different messages that
 * share a Message-ID (broken mailers, duplicated templates) still differ.
 *
 * The hash inputs are canonicalized so that the identity survives changes in how the parser lays
 * out text (line wrapping, HTML-to-text formatting across library versions): only letters and
 * digits of subject and text count, lower-cased. `rawHeaderBytes` is used only when none of those
 * fields could be read (garbage mail without a Message-ID), which would otherwise all share one id;
 * it is not used otherwise because the copy in Sent and the copy in the Inbox of the same message
 * have different Received headers but are one message.
 */
export function messageIdentity(
  parsed: Pick<ParsedMessage, 'messageId' | 'date' | 'from' | 'subject' | 'text'>,
  rawHeaderBytes?: Uint8Array,
): string {
  const fields: [string, string, string, string] = [
    parsed.date ?? '',
    parsed.from.map((address) => address.address.toLowerCase()).join(','),
    canonical(parsed.subject ?? ''),
    canonicalTextPrefix(parsed.text ?? ''),
  ];
  const hash = createHash('sha256').update(fieldsJson(fields));
  if (fields.every((field) => field === '') && rawHeaderBytes) hash.update(rawHeaderBytes);
  const digest = hash.digest('hex');
  return parsed.messageId ? `mid:${parsed.messageId}:${digest.slice(0, 32)}` : `sha256:${digest}`;
}

/**
 * JSON.stringify(fields), the text (last) field quoted without the escape scan: canonical()
 * leaves letters and digits only, which JSON.stringify copies as they are, unless a slice cut a
 * surrogate pair (escaped as \\uXXXX); a string with a surrogate goes through JSON.stringify as
 * ever. (The test costs nothing on the usual one-byte string, which cannot hold one.)
 */
function fieldsJson(fields: [string, string, string, string]): string {
  const [date, from, subject, text] = fields;
  const quoted = SURROGATE.test(text) ? JSON.stringify(text) : `"${text}"`;
  return `[${JSON.stringify(date)},${JSON.stringify(from)},${JSON.stringify(subject)},${quoted}]`;
}

/** Text characters the identity canonicalizes at most (only the first 4 KB of the result count). */
const IDENTITY_SOURCE_CHARS = IDENTITY_TEXT_CHARS * 4;
const ASCII_WHITESPACE = /[ \t\r\n]/g;
/** What canonical() makes of each ASCII character: a-z and 0-9 (A-Z lower-cased), else dropped. */
const ASCII_MAP = new Uint8Array(0x80);
const ASCII_DROPPED = 0;
/** Space, tab, CR, LF: dropped too, and where canonicalTextPrefix splits words. */
const ASCII_SPACE = 1;
for (let c = 0; c < 0x80; c++) {
  ASCII_MAP[c] =
    c >= 0x41 && c <= 0x5a
      ? c + 0x20
      : (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)
        ? c
        : c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
          ? ASCII_SPACE
          : ASCII_DROPPED;
}

/** Scratch space for canonicalTextPrefix's ASCII letters and digits (one thread, no reentrancy). */
const asciiOut = Buffer.alloc(IDENTITY_SOURCE_CHARS);

/**
 * canonical(text.slice(0, IDENTITY_SOURCE_CHARS)).slice(0, IDENTITY_TEXT_CHARS), character for
 * character, at a fraction of the cost. Only a prefix is normalized in any case: NFKC and the
 * Unicode regex over a whole long body cost more than the rest of filing a message.
 *
 * The text is taken word by word, a word starting at an ASCII space, tab or line break, where
 * canonical() splits exactly: canonical(a + b) === canonical(a) + canonical(b) when b starts with
 * one, since that character composes with nothing under NFKC (a starter that is part of no
 * composition) and ends the context of Final_Sigma in toLowerCase (neither cased nor
 * case-ignorable). A word of ASCII only is mapped directly (A-Z lower-cased, a-z and 0-9 kept,
 * which is what canonical() does to ASCII); any other word goes through canonical() whole. The
 * loop stops at the first word boundary past IDENTITY_TEXT_CHARS.
 */
function canonicalTextPrefix(text: string): string {
  // Indexed within the bound rather than sliced: charCodeAt on a flat string is the faster one.
  const limit = Math.min(text.length, IDENTITY_SOURCE_CHARS);
  const pieces: string[] = [];
  let length = 0; // characters of the result so far: pieces plus asciiOut[0, n)
  let n = 0;
  let wordStart = 0;
  let wordN = 0;
  let wordLength = 0;
  for (let i = 0; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      const mapped = ASCII_MAP[c]!;
      if (mapped > ASCII_SPACE) {
        asciiOut[n++] = mapped;
        length += 1;
      } else if (mapped === ASCII_SPACE) {
        if (length >= IDENTITY_TEXT_CHARS) break;
        wordStart = i;
        wordN = n;
        wordLength = length;
      }
      continue;
    }
    // Not ASCII: this whole word the Unicode way, instead of what was mapped of it so far.
    if (wordN > 0) pieces.push(asciiOut.toString('latin1', 0, wordN));
    ASCII_WHITESPACE.lastIndex = i;
    const end = Math.min(ASCII_WHITESPACE.exec(text)?.index ?? limit, limit);
    const word = canonical(text.slice(wordStart, end));
    pieces.push(word);
    length = wordLength + word.length;
    n = 0;
    wordN = 0;
    wordLength = length;
    i = end - 1; // the loop goes on at the whitespace (a new word) or ends
  }
  if (n > 0) pieces.push(asciiOut.toString('latin1', 0, n));
  const result = pieces.length === 1 ? pieces[0]! : pieces.join('');
  return result.length > IDENTITY_TEXT_CHARS ? result.slice(0, IDENTITY_TEXT_CHARS) : result;
}

const NON_ASCII = /[\u0080-\uffff]/;
const SURROGATE = /[\ud800-\udfff]/;

/** Letters and digits only, NFKC, lower-cased: what stays the same however text is laid out. */
function canonical(value: string): string {
  // Pure ASCII (most mail) is its own NFKC form, lower-cases A-Z only, and its letters and digits
  // are [a-z0-9]: the same result as the Unicode path below, without ICU.
  if (!NON_ASCII.test(value)) return value.toLowerCase().replace(/[^a-z0-9]+/g, '');
  return value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}
