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
  const fields = [
    parsed.date ?? '',
    parsed.from.map((address) => address.address.toLowerCase()).join(','),
    canonical(parsed.subject ?? ''),
    // Only a prefix is normalized: NFKC and the Unicode regex over a whole long body cost more
    // than the rest of filing a message.
    canonical((parsed.text ?? '').slice(0, IDENTITY_TEXT_CHARS * 4)).slice(0, IDENTITY_TEXT_CHARS),
  ];
  const hash = createHash('sha256').update(JSON.stringify(fields));
  if (fields.every((field) => field === '') && rawHeaderBytes) hash.update(rawHeaderBytes);
  const digest = hash.digest('hex');
  return parsed.messageId ? `mid:${parsed.messageId}:${digest.slice(0, 32)}` : `sha256:${digest}`;
}

/** Letters and digits only, NFKC, lower-cased: what stays the same however text is laid out. */
function canonical(value: string): string {
  return value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}
