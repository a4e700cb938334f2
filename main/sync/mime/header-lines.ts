/**
 * One raw header field as mailparser's `headerLines` gives it: the lower-cased name and the whole
 * line, folding included, as a binary (latin1) string, so 8-bit bytes survive until decoded.
 */
export type HeaderLine = { key: string; line: string };

/**
 * Most header bytes the header-only parse reads. It also runs on the core's event loop (after a
 * worker timeout or crash), so its work must stay bounded whatever the message; the header of real
 * mail, Received chains and DKIM signatures included, stays far below this.
 */
export const HEADER_ONLY_MAX_BYTES = 128 * 1024;

/** RFC 5322 field name: printable ASCII except ':'. Anything else is not a header line. */
const FIELD_NAME = /^[!-9;-~]+$/;

/** Whether a header line is a real `Name: value` field: mailsplit gives junk lines a key too. */
export function isFieldLine(line: HeaderLine): boolean {
  return FIELD_NAME.test(line.key);
}

/**
 * Splits the header block of a raw message without any MIME parsing: used when mailparser failed,
 * timed out or crashed. Reads at most HEADER_ONLY_MAX_BYTES; an mbox "From " separator line is
 * skipped; lines that are not fields are dropped.
 */
export function splitHeaderBlock(source: Uint8Array): HeaderLine[] {
  const head = Buffer.from(source.buffer, source.byteOffset, Math.min(source.byteLength, HEADER_ONLY_MAX_BYTES));
  const text = head.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = end === -1 ? text : text.slice(0, end);
  const lines: HeaderLine[] = [];
  let current: string | null = null;
  const flush = (): void => {
    if (current === null) return;
    const colon = current.indexOf(':');
    const key = (colon > 0 ? current.slice(0, colon) : '').trim().toLowerCase();
    const line = { key, line: current };
    if (isFieldLine(line)) lines.push(line);
    current = null;
  };
  for (const [index, raw] of block.split(/\r?\n/).entries()) {
    if (index === 0 && raw.startsWith('From ')) continue;
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && current !== null) {
      current += '\r\n' + raw;
    } else {
      flush();
      current = raw;
    }
  }
  flush();
  return lines;
}

/**
 * Windows-1252 where it differs from Latin-1 (0x80-0x9f; 0x81, 0x8d, 0x8f, 0x90 and 0x9d unused).
 * Node 20's TextDecoder('windows-1252') decodes these as Latin-1 C1 controls, so it is not used.
 */
const CP1252_HIGH = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ';

/** A well-formed UTF-8 sequence of 2 to 4 bytes (as latin1 characters), or else one 8-bit byte. */
const UTF8_OR_BYTE =
  /([\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2})|[\x80-\xff]/g;

/**
 * Decodes raw 8-bit header bytes (a latin1 string, one char per byte): valid UTF-8 sequences as
 * UTF-8 (RFC 6532), any other 8-bit byte as Windows-1252, the usual charset of old clients that
 * sent headers unencoded. Per sequence, so a header mixing both (it happens when a gateway
 * prepends a UTF-8 tag to a Latin-1 subject) reads right in both halves; mailparser would give
 * U+FFFD for the Latin-1 bytes.
 */
export function decodeRawHeader(binary: string): string {
  return binary.replace(UTF8_OR_BYTE, (match: string, utf8: string | undefined) =>
    utf8 ? Buffer.from(utf8, 'latin1').toString('utf8') : (CP1252_HIGH[match.charCodeAt(0) - 0x80] ?? match),
  );
}

/** The unfolded, decoded value of a raw header line (see decodeRawHeader). */
export function headerValue(line: HeaderLine): string {
  const colon = line.line.indexOf(':');
  return decodeRawHeader(line.line.slice(colon + 1).replace(/\r?\n(?=[ \t])/g, '')).trim();
}

/** The first value of a header, or null. */
export function firstValue(lines: readonly HeaderLine[], key: string): string | null {
  const line = lines.find((candidate) => candidate.key === key);
  return line ? headerValue(line) : null;
}

/** Every value of a header, in order. */
export function allValues(lines: readonly HeaderLine[], key: string): string[] {
  return lines.filter((candidate) => candidate.key === key).map(headerValue);
}
