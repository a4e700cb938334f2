import libmime from 'libmime';
import { capText, textFromHtml } from './body-text.js';
import { charsetWarnings, declaredTextCharsetsIn } from './charsets.js';
import { readHeaderFields } from './header-fields.js';
import { firstValue, type HeaderLine } from './header-lines.js';
import { headerOnlyMessage, unique } from './header-only.js';
import { parseMimeTree, type MimeResult } from './mime-tree.js';
import { fixupSource } from './source-fixups.js';
import type { ParsedMessage } from './parsed-message.js';

export type ParseOptions = {
  /** Longest `text` kept, in UTF-16 units; longer text is cut and `textTruncated` set. */
  maxTextChars?: number;
};

export const DEFAULT_MAX_TEXT_CHARS = 200_000;

/**
 * Parses one raw RFC 5322 message. Never throws and never rejects: whatever cannot be read is left
 * empty and named in `warnings`; when mailparser fails outright, the header alone is parsed and
 * `parse-failed` is the first warning. CPU-bound: call it through the parser pool from the core,
 * directly only in a worker, a script or a test.
 */
export async function parseMessage(source: Buffer, options: ParseOptions = {}): Promise<ParsedMessage> {
  const maxTextChars = Math.max(0, options.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS);
  let input: Buffer;
  try {
    input = fixupSource(Buffer.isBuffer(source) ? source : Buffer.from(source));
  } catch {
    input = Buffer.alloc(0);
  }
  if (input.length === 0) return headerOnlyMessage(input, ['empty']);
  try {
    return await assemble(input, await parseMimeTree(input), maxTextChars);
  } catch {
    return headerOnlyMessage(input, ['parse-failed']);
  }
}

async function assemble(input: Buffer, mime: MimeResult, maxTextChars: number): Promise<ParsedMessage> {
  const { fields, warnings } = readHeaderFields(mime.headerLines);
  if (looksTruncated(input, mime.headerLines)) warnings.push('truncated');
  warnings.push(...charsetWarnings(declaredTextCharsetsIn(input)));

  let text = mime.text.trim() === '' ? '' : mime.text;
  let cut = false;
  if (text === '' && mime.html !== null && mime.html.trim() !== '') {
    const derived = await textFromHtml(mime.html, maxTextChars);
    text = derived.text;
    cut = derived.cut;
    if (derived.failed) warnings.push('html-to-text-failed');
  }
  const capped = capText(text, maxTextChars);

  return {
    ...fields,
    text: capped.text === '' ? null : capped.text,
    html: mime.html,
    textTruncated: capped.truncated || cut,
    attachments: mime.attachments,
    warnings: unique(warnings),
  };
}

/**
 * A multipart message whose closing boundary (`--boundary--`) never comes was cut off, in transit
 * or by a size-limited fetch. mailparser parses what there is without complaint, so this is the
 * only sign. (Some broken mailers omit the closing line too; the warning is a hint, not a verdict.)
 */
function looksTruncated(input: Buffer, headerLines: readonly HeaderLine[]): boolean {
  const contentType = firstValue(headerLines, 'content-type');
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return false;
  const boundary = libmime.parseHeaderValue(contentType).params.boundary;
  if (!boundary) return false;
  return input.indexOf(Buffer.from(`--${boundary}--`, 'latin1')) === -1;
}
