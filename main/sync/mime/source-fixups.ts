/** How far into a message to look for its line-ending style. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Repairs two byte-level defects that hide every header from the parser, before any parsing:
 *  - a UTF-8 byte order mark before the first header (some Windows tools write one), which makes
 *    the first field name unreadable;
 *  - bare CR line endings (classic Mac OS), which make the whole message one header line.
 *    Converted only when the message has no LF at all, so mixed endings are left to the parser.
 * Returns the input itself when there is nothing to repair.
 */
export function fixupSource(source: Buffer): Buffer {
  let fixed = source;
  if (fixed[0] === 0xef && fixed[1] === 0xbb && fixed[2] === 0xbf) fixed = fixed.subarray(3);
  const head = fixed.subarray(0, SNIFF_BYTES);
  if (head.includes(0x0d) && !head.includes(0x0a) && !fixed.includes(0x0a)) {
    fixed = Buffer.from(fixed.toString('latin1').replace(/\r/g, '\r\n'), 'latin1');
  }
  return fixed;
}
