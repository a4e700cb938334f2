import { readHeaderFields, type HeaderFields } from './header-fields.js';
import { splitHeaderBlock } from './header-lines.js';
import type { ParsedMessage } from './parsed-message.js';
import { fixupSource } from './source-fixups.js';

/** A ParsedMessage holding only what the header gave, with no body and no attachments. */
export function messageFromHeaders(fields: HeaderFields, warnings: readonly string[]): ParsedMessage {
  return {
    ...fields,
    text: null,
    html: null,
    textTruncated: false,
    attachments: [],
    warnings: unique(warnings),
  };
}

/** A ParsedMessage with nothing read, for when even the header could not be. */
export function emptyMessage(warnings: readonly string[]): ParsedMessage {
  return messageFromHeaders(
    {
      messageId: null,
      inReplyTo: null,
      references: [],
      subject: null,
      date: null,
      from: [],
      to: [],
      cc: [],
      bcc: [],
      replyTo: [],
      listId: null,
      listUnsubscribe: null,
      precedence: null,
      autoSubmitted: null,
    },
    warnings,
  );
}

/**
 * The minimal parse used when MIME parsing failed, timed out or crashed: the header block only, cut
 * at the first blank line, no MIME structure. Bounded work (see HEADER_ONLY_MAX_BYTES), so it is
 * safe on the core's event loop; never throws. `reasons` come first in `warnings`.
 */
export function headerOnlyMessage(source: Uint8Array, reasons: readonly string[]): ParsedMessage {
  try {
    const bytes = fixupSource(Buffer.from(source.buffer, source.byteOffset, source.byteLength));
    const { fields, warnings } = readHeaderFields(splitHeaderBlock(bytes));
    return messageFromHeaders(fields, [...reasons, ...warnings]);
  } catch {
    return emptyMessage([...reasons, 'header-parse-failed']);
  }
}

export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
