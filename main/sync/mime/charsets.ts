import libmime from 'libmime';

// mailparser decodes bodies and encoded words with libmime, which silently falls back to UTF-8 for
// a charset it does not know (or refuses, like UTF-7). That fallback is fine for display, but the
// store should know the text may be garbled, so the same library is asked whether it knows a name.

const known = new Map<string, boolean>();

/** Whether libmime decodes this charset itself rather than falling back to UTF-8. */
export function isCharsetSupported(name: string): boolean {
  const key = name.trim().toLowerCase();
  let supported = known.get(key);
  if (supported === undefined) {
    // Creating the decode stream is how libmime resolves aliases; the stream itself is dropped.
    supported = libmime.createDecodeStream(key).supported;
    if (known.size < 1000) known.set(key, supported);
  }
  return supported;
}

/** `charset-unknown:<name>` for each distinct unsupported name, the name cut to a safe token. */
export function charsetWarnings(names: Iterable<string>): string[] {
  const warnings = new Set<string>();
  for (const name of names) {
    if (name && !isCharsetSupported(name)) {
      warnings.add(
        `charset-unknown:${name
          .toLowerCase()
          .replace(/[^a-z0-9._:+-]/g, '?')
          .slice(0, 40)}`,
      );
    }
  }
  return [...warnings];
}

/** Charset names of RFC 2047 encoded words (`=?charset*lang?Q?...?=`) in a header value. */
export function encodedWordCharsets(value: string): string[] {
  return [...value.matchAll(/=\?([^?*\s]{1,64})(?:\*[^?\s]*)?\?[bq]\?/gi)].map((match) => match[1] ?? '');
}

/**
 * Charset names declared for text/* parts anywhere in the raw message. mailparser does not expose
 * the charset of text parts, so the Content-Type fields are found in the raw bytes: every line
 * starting with `Content-Type: text/` (folded continuations included).
 */
export function declaredTextCharsets(raw: string): string[] {
  const names: string[] = [];
  for (const match of raw.matchAll(TEXT_CONTENT_TYPE_LINES)) {
    const name = charsetOf(match[0]);
    if (name) names.push(name);
  }
  return names;
}

const TEXT_CONTENT_TYPE_LINES = /^content-type:[ \t]*text\/[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gim;
const TEXT_CONTENT_TYPE_LINE = /^content-type:[ \t]*text\/[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/i;
const FIELD_NAME = 'content-type:';

function charsetOf(field: string): string | null {
  return /charset\s*=\s*"?([^";\s]{1,64})/i.exec(field)?.[1] ?? null;
}

/**
 * declaredTextCharsets(raw.toString('latin1')), the same names, without turning the whole message
 * into a string (a 256 KB one for a message with an attachment). Every `Content-Type:` field
 * name has a '-' seven bytes in, so only the '-' bytes are candidates (native search), each taken
 * when it sits at a line start (after a CR, an LF, or at 0, as `^` under the m flag) and the name
 * matches in any case; the line, with its folded continuations, then goes through the same
 * regular expression as declaredTextCharsets.
 */
export function declaredTextCharsetsIn(raw: Buffer): string[] {
  const names: string[] = [];
  let next = 0; // a match ends a line: the next one starts further on
  for (let dash = raw.indexOf(0x2d, 7); dash !== -1; dash = raw.indexOf(0x2d, dash + 1)) {
    const start = dash - 7;
    if (start < next || (start > 0 && raw[start - 1] !== 0x0a && raw[start - 1] !== 0x0d)) continue;
    if (!isFieldName(raw, start)) continue;
    const end = endOfFoldedLine(raw, start);
    const match = TEXT_CONTENT_TYPE_LINE.exec(raw.toString('latin1', start, end));
    if (!match) continue;
    next = start + match[0].length;
    const name = charsetOf(match[0]);
    if (name) names.push(name);
  }
  return names;
}

/** `content-type:` at `start`, ASCII letters in any case (as the i flag compares them). */
function isFieldName(raw: Buffer, start: number): boolean {
  if (start + FIELD_NAME.length > raw.length) return false;
  for (let i = 0; i < FIELD_NAME.length; i++) {
    const byte = raw[start + i]!;
    const lower = byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte;
    if (lower !== FIELD_NAME.charCodeAt(i)) return false;
  }
  return true;
}

/** The end of the line at `start` and of the lines folded onto it (CRLF or LF, then SP or HTAB). */
function endOfFoldedLine(raw: Buffer, start: number): number {
  let end = start;
  for (;;) {
    while (end < raw.length && raw[end] !== 0x0a && raw[end] !== 0x0d) end++;
    const lf = raw[end] === 0x0d ? end + 1 : end;
    if (raw[lf] === 0x0a && (raw[lf + 1] === 0x20 || raw[lf + 1] === 0x09)) end = lf + 1;
    else return end;
  }
}
