import libmime from 'libmime';
import { parseAddressHeader } from 'mailparser';
import { charsetWarnings, encodedWordCharsets } from './charsets.js';
import { withoutControls } from './controls.js';
import { allValues, firstValue, isFieldLine, type HeaderLine } from './header-lines.js';
import type { ParsedAddress, ParsedMessage } from './parsed-message.js';

/** The part of a ParsedMessage that comes from the top-level header alone. */
export type HeaderFields = Pick<
  ParsedMessage,
  | 'messageId'
  | 'inReplyTo'
  | 'references'
  | 'subject'
  | 'date'
  | 'from'
  | 'to'
  | 'cc'
  | 'bcc'
  | 'replyTo'
  | 'listId'
  | 'listUnsubscribe'
  | 'precedence'
  | 'autoSubmitted'
>;

/**
 * References kept at most. Threading needs the root (first) and the nearest ancestors (last);
 * some mailers let the list grow without bound, so the middle is dropped past this.
 */
const MAX_REFERENCES = 100;
/** Longest Message-ID kept (RFC 5322 line limit); longer ones are junk. */
const MAX_ID_LENGTH = 998;
const MAX_ADDRESSES = 1000;
/**
 * Address header characters parsed at most (about 2000 addresses). A huge To: costs real time in
 * the address parser, and the header-only fallback runs on the core's event loop.
 */
const MAX_ADDRESS_HEADER_CHARS = 64 * 1024;

/**
 * Reads the fields the store keeps from the top-level header lines, the same way for a full parse
 * (lines from mailparser) and a header-only fallback (lines from splitHeaderBlock), so both give
 * identical headers. mailparser's own parsed header map is not used: it turns an unparsable Date
 * into the current time and mangles `<a@x><b@x>` References, and ids need their brackets stripped
 * anyway.
 */
export function readHeaderFields(allLines: readonly HeaderLine[]): { fields: HeaderFields; warnings: string[] } {
  const lines = allLines.filter(isFieldLine);
  const warnings: string[] = [];
  if (lines.length === 0) warnings.push('no-headers');

  const messageId = firstId(firstValue(lines, 'message-id'));
  if (!messageId) warnings.push('no-message-id');

  const { date, warning: dateWarning } = readDate(firstValue(lines, 'date'));
  if (dateWarning) warnings.push(dateWarning);

  const from = addresses(allValues(lines, 'from').slice(0, 1));
  if (from.length === 0) warnings.push('no-from');

  const subjectRaw = firstValue(lines, 'subject');
  const references = dedupe([...allValues(lines, 'references').flatMap(ids)]);
  if (references.length > MAX_REFERENCES) warnings.push('references-capped');

  const encoded = ['subject', 'from', 'to', 'cc', 'reply-to'].flatMap((key) =>
    allValues(lines, key).flatMap(encodedWordCharsets),
  );
  warnings.push(...charsetWarnings(encoded));

  return {
    fields: {
      messageId,
      inReplyTo: firstId(firstValue(lines, 'in-reply-to')),
      references: capReferences(references),
      subject: subjectRaw === null ? null : decodeWords(subjectRaw),
      date,
      from,
      to: addresses(allValues(lines, 'to')),
      cc: addresses(allValues(lines, 'cc')),
      bcc: addresses(allValues(lines, 'bcc')),
      replyTo: addresses(allValues(lines, 'reply-to').slice(0, 1)),
      listId: listId(firstValue(lines, 'list-id')),
      listUnsubscribe: nonEmpty(firstValue(lines, 'list-unsubscribe')),
      precedence: nonEmpty(firstValue(lines, 'precedence')?.toLowerCase() ?? null),
      autoSubmitted: nonEmpty(firstValue(lines, 'auto-submitted')?.toLowerCase() ?? null),
    },
    warnings,
  };
}

/**
 * Message ids in a header value, without angle brackets. The `<a@x>` forms when there are any;
 * else bare tokens that look like ids (a lone token, or one with an '@'), so that prose such as
 * "In-Reply-To: John's message of Monday" yields nothing rather than "John's".
 */
export function ids(value: string): string[] {
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((match) => match[1] ?? '');
  const tokens = value.split(/[\s,]+/).filter((token) => token.length > 0);
  const found =
    bracketed.length > 0
      ? bracketed
      : tokens
          .filter((token) => tokens.length === 1 || token.includes('@'))
          .map((token) => token.replace(/^<|>$/g, ''));
  return found.filter((id) => id.length > 0 && id.length <= MAX_ID_LENGTH && !/[<>()"\s]/.test(id));
}

function firstId(value: string | null): string | null {
  return value === null ? null : (ids(value)[0] ?? null);
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}

function capReferences(references: string[]): string[] {
  if (references.length <= MAX_REFERENCES) return references;
  return [...references.slice(0, 1), ...references.slice(references.length - (MAX_REFERENCES - 1))];
}

function decodeWords(value: string): string {
  let decoded = value;
  try {
    decoded = libmime.decodeWords(value);
  } catch {
    // keep the raw value: an undecodable word is still better than no subject
  }
  return withoutControls(decoded).replace(/\s+/g, ' ').trim();
}

/** Years outside this range come from broken clocks or broken parsing, not from real mail. */
const MIN_YEAR = 1970;
const MAX_YEAR = 2200;

function readDate(value: string | null): { date: string | null; warning: string | null } {
  if (value === null || value === '') return { date: null, warning: 'no-date' };
  // Comments such as "(CEST)" are not part of the date; V8's parser handles the RFC 5322 form.
  const parsed = new Date(value.replace(/\([^()]*\)/g, ' ').trim());
  const year = parsed.getUTCFullYear();
  if (Number.isNaN(parsed.getTime()) || year < MIN_YEAR || year > MAX_YEAR) return { date: null, warning: 'bad-date' };
  return { date: parsed.toISOString(), warning: null };
}

/** Mailboxes of address headers (groups flattened, names decoded), addresses lower-cased. */
function addresses(values: string[]): ParsedAddress[] {
  const result: ParsedAddress[] = [];
  for (const value of values) {
    let parsed;
    try {
      parsed = parseAddressHeader(value.slice(0, MAX_ADDRESS_HEADER_CHARS), { flatten: true }).value;
    } catch {
      continue;
    }
    for (const entry of parsed) {
      const address = entry.address?.trim().toLowerCase();
      if (address && result.length < MAX_ADDRESSES) result.push({ name: withoutControls(entry.name).trim(), address });
    }
  }
  return result;
}

/** The list identifier inside `<...>` (List-Id: Sales team <sales.example.com>), else the value. */
function listId(value: string | null): string | null {
  if (!value) return null;
  return /<([^<>]+)>/.exec(value)?.[1]?.trim().toLowerCase() ?? nonEmpty(value);
}

function nonEmpty(value: string | null): string | null {
  return value === null || value === '' ? null : value;
}
