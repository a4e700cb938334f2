/** An address as parsed from a header; `name` is decoded (RFC 2047), `address` lower-cased. */
export type ParsedAddress = { name: string; address: string };

export type ParsedAttachment = {
  filename: string | null;
  contentType: string;
  size: number;
  /** Content-ID without angle brackets. */
  contentId: string | null;
  /** MIME part path (e.g. "2" or "1.2") when known, to download the content on demand. */
  partId: string | null;
  inline: boolean;
};

/**
 * A parse with the message's identity (threading.ts messageIdentity), computed where it was parsed:
 * the identity hashes a canonical form of the text, work better done in a parser worker than on
 * the core's thread.
 */
export type IdentifiedMessage = { parsed: ParsedMessage; identity: string };

/**
 * What the store keeps of one message after MIME parsing. Parsing never throws: whatever could
 * not be read is left empty and named in `warnings`, so malformed mail never stops a sync.
 */
export type ParsedMessage = {
  /** Message-ID without angle brackets, or null when missing or unusable. */
  messageId: string | null;
  inReplyTo: string | null;
  /** References, oldest first, without angle brackets. */
  references: string[];
  subject: string | null;
  /** ISO-8601 from the Date header; null when missing or unparsable. */
  date: string | null;
  from: ParsedAddress[];
  to: ParsedAddress[];
  cc: ParsedAddress[];
  bcc: ParsedAddress[];
  replyTo: ParsedAddress[];
  /** Plain text body (from text/plain, else derived from HTML); capped, see `textTruncated`. */
  text: string | null;
  /** The HTML body as sent (never sanitized here: the renderer sanitizes before display). */
  html: string | null;
  textTruncated: boolean;
  attachments: ParsedAttachment[];
  /** Bulk-mail signals, used by the CRM to skip newsletters and robots. */
  listId: string | null;
  listUnsubscribe: string | null;
  precedence: string | null;
  autoSubmitted: string | null;
  /**
   * Machine-readable notes on what was malformed: empty, no-headers, no-message-id, no-date,
   * bad-date, no-from, truncated, charset-unknown:<name>, references-capped, html-to-text-failed,
   * parse-failed (only the header was read), parse-timeout, parser-crashed, pool-closed; the sync
   * adds source-partial when only the first bytes of a large message were fetched.
   */
  warnings: string[];
};
