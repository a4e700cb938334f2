import libmime from 'libmime';
import { createRequire } from 'node:module';
import { MailParser, type AttachmentStream, type MailParserOptions } from 'mailparser';
import { Transform, type TransformCallback } from 'node:stream';
import { withoutControls } from './controls.js';
import type { HeaderLine } from './header-lines.js';
import type { ParsedAttachment } from './parsed-message.js';

/** What one pass of mailparser over a message gives, attachment contents already dropped. */
export type MimeResult = {
  headerLines: HeaderLine[];
  /** Every text/plain part joined; '' when there is none. */
  text: string;
  /** Every text/html part joined, as sent; null when there is none. */
  html: string | null;
  attachments: ParsedAttachment[];
};

// simpleParser buffers every attachment in memory (and base64-inlines cid: images into the HTML);
// it has no option to drop contents. The streaming MailParser underneath lets each attachment be
// counted and discarded as it flows, so a 30 MB attachment costs no 30 MB buffer. HTML-to-text is
// left to body-text.ts, which bounds its input; text-to-HTML, link detection and checksums are
// work nobody reads.
const OPTIONS: MailParserOptions = {
  skipHtmlToText: true,
  skipImageLinks: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  checksumAlgo: false,
  // The header of one MIME part may cost this much (mailsplit counts a line as at least 64 bytes).
  // The default 1 MB fails long-thread mail with a 500 KB References header; in a worker with a
  // timeout, a few MB of header is no danger.
  maxHeadSize: 4 * 1024 * 1024,
};

/** A header line as mailsplit hands it to mailparser's processHeaders. */
type SplitterLine = { key: string; line: string };
/** What mailparser and the single-part path read of a mailsplit MIME node (mailsplit 5.4). */
type SplitterNode = {
  parentNode?: { contentType?: string } | false | null;
  multipart: string | false;
  contentType: string | false;
  charset: string | false;
  /** Content-Transfer-Encoding, lower-cased ('' when missing). */
  encoding: string | false;
  disposition: string | false;
  flowed: boolean;
  /** libbase64 or libqp Decoder, or a PassThrough for any other transfer encoding. */
  getDecoder(): Transform;
};
/** mailparser's internal steps that LeanMailParser narrows (mailparser 3.14, pinned in package.json). */
type MailParserInternals = {
  createNode(node: SplitterNode): unknown;
  processHeaders(lines: SplitterLine[] | undefined): unknown;
};
const internals = MailParser.prototype as unknown as MailParserInternals;

/** Headers of a part mailparser itself reads: Content-ID, for the attachment's `cid`. */
const PART_KEYS = new Set(['content-id']);
/**
 * And those of a message/rfc822 child, whose From, Subject, Date, To, Cc and Bcc mailparser puts
 * in front of the embedded message's text (showMeta).
 */
const EMBEDDED_KEYS = new Set([...PART_KEYS, 'from', 'subject', 'date', 'to', 'cc', 'bcc']);

/**
 * MailParser decodes every header of every part into a map (addresses parsed, dates, encoded
 * words, List-* fields) whether anyone reads it or not; the top-level fields are read here from the
 * raw lines instead (header-fields.ts), so that map was ~15% of the parse, thrown away. This
 * subclass hands processHeaders only the lines that mailparser's own output depends on (see the
 * key sets above); the raw lines (`headerLines`) and the MIME structure (from mailsplit) are
 * untouched.
 */
class LeanMailParser extends MailParser {
  private keys: ReadonlySet<string> = PART_KEYS;

  createNode(node: SplitterNode): unknown {
    this.keys = node.parentNode && node.parentNode.contentType === 'message/rfc822' ? EMBEDDED_KEYS : PART_KEYS;
    const created = internals.createNode.call(this, node) as CreatedNode;
    // An attachment's content is only counted (see parseWithMailparser): base64 need not be decoded
    // for that. createNode set decoderEnded from its decoder's 'end'; the replacement does the same.
    if (created.isAttachment && created.encoding === 'base64' && created.decoder) {
      const counter = new Base64Size(() => node.getDecoder());
      counter.on('end', () => {
        (this as unknown as { decoderEnded: boolean }).decoderEnded = true;
      });
      created.decoder = counter;
    }
    return created;
  }

  processHeaders(lines: SplitterLine[] | undefined): unknown {
    return internals.processHeaders.call(
      this,
      (lines ?? []).filter((line) => this.keys.has(line.key)),
    );
  }
}

/** What mailparser's createNode makes of a leaf node (multipart nodes have no decoder). */
type CreatedNode = { isAttachment?: boolean; encoding?: string; decoder?: Transform };

/** Base64 alphabet bytes: the ones libbase64's decoder keeps (it drops every other but '='). */
const BASE64_ALPHABET = new Uint8Array(256);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') {
  BASE64_ALPHABET[char.charCodeAt(0)] = 1;
}
/** Base64 alphabet bytes in `chunk` (a branch-free loop: most of an attachment goes through it). */
function alphabetBytes(chunk: Buffer): number {
  let count = 0;
  for (let i = 0; i < chunk.length; i++) count += BASE64_ALPHABET[chunk[i]!]!;
  return count;
}

/** Zeros handed out (as views) for the decoded bytes of a counted attachment. */
const ZEROS = Buffer.alloc(64 * 1024);

/**
 * Stands in for the base64 decoder of an attachment whose content is only counted: it emits as
 * many bytes as libbase64's Decoder would (zeros), without decoding. Base64 that ends in padding,
 * if any, after its last alphabet character decodes to floor(n * 3 / 4) bytes for n alphabet
 * characters, however it is split into chunks and lines; anything else (padding in the middle)
 * goes through a real Decoder at the end, fed the same chunks, to count what it would give.
 */
class Base64Size extends Transform {
  private alphabet = 0;
  private padded = false;
  private irregular = false;
  private readonly chunks: Buffer[] = [];

  constructor(private readonly realDecoder: () => Transform) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(chunk);
    if (this.irregular) {
      // counted by the real decoder at the end
    } else if (!this.padded && chunk.indexOf(0x3d) === -1) {
      this.alphabet += alphabetBytes(chunk);
    } else {
      this.countAroundPadding(chunk);
    }
    done();
  }

  /** Counts a chunk with padding in it or before it; alphabet after padding makes it irregular. */
  private countAroundPadding(chunk: Buffer): void {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (BASE64_ALPHABET[byte] === 1) {
        if (this.padded) {
          this.irregular = true;
          return;
        }
        this.alphabet += 1;
      } else if (byte === 0x3d) {
        this.padded = true;
      }
    }
  }

  override _flush(done: TransformCallback): void {
    if (!this.irregular) {
      this.pushZeros(Math.floor((this.alphabet * 3) / 4));
      done();
      return;
    }
    const decoder = this.realDecoder();
    let size = 0;
    decoder.on('data', (chunk: Buffer) => (size += chunk.length));
    decoder.once('end', () => {
      this.pushZeros(size);
      done();
    });
    decoder.once('error', (error: Error) => done(error));
    for (const chunk of this.chunks) decoder.write(chunk);
    decoder.end();
  }

  private pushZeros(size: number): void {
    this.chunks.length = 0;
    for (let left = size; left > 0; left -= ZEROS.length) this.push(ZEROS.subarray(0, Math.min(left, ZEROS.length)));
  }
}

/**
 * Parses the MIME structure of `source`. Rejects when mailparser reports an error. A single-part
 * message takes the short path (see parseSinglePart) unless `singlePart` is false, which tests use
 * to check that both paths give the same result.
 */
export async function parseMimeTree(source: Buffer, options: { singlePart?: boolean } = {}): Promise<MimeResult> {
  const single = options.singlePart === false ? null : await parseSinglePart(source);
  return single ?? parseWithMailparser(source);
}

/** Header blocks longer than this take the full path (a single-part message's header is a few KB). */
const SINGLE_PART_MAX_HEADER_BYTES = 64 * 1024;

/**
 * Most mail is one text/plain (or text/html) part. mailparser splits its body line by line through
 * a chain of streams (most of the parse, for nothing: a single part's body is every byte after the
 * header). Here the header block goes through mailsplit's own MimeNode, as the splitter feeds it
 * in the full parse (so the node, its charset and transfer encoding, and the header lines are the
 * same), and the body is decoded with mailparser's steps for an inline text root: the node's
 * transfer decoder, the charset decoder mailparser would use, UTF-8, line ends as LF. Anything else
 * (multipart, an attachment, message/rfc822, format=flowed, no blank line after the header)
 * returns null and takes the full path. test/unit/mime-parse.test.ts compares both paths.
 */
async function parseSinglePart(source: Buffer): Promise<MimeResult | null> {
  const headerEnd = endOfHeaderBlock(source);
  if (headerEnd === -1 || headerEnd > SINGLE_PART_MAX_HEADER_BYTES) return null;
  let root: HeaderNode;
  try {
    root = readRootHeader(source.subarray(0, headerEnd));
  } catch {
    return null; // the full path meets the same error and reports it
  }
  if (root.multipart || root.flowed) return null;
  // mailparser's reading of the root (createNode): no Content-Type is text/plain; an inline text
  // part is its text, anything else an attachment.
  const contentType = root.contentType || 'text/plain';
  if (contentType !== 'text/plain' && contentType !== 'text/html') return null;
  if (root.disposition && root.disposition !== 'inline') return null;

  const content = await decodeBody(root, source.subarray(headerEnd));
  if (content === null) return null;
  const headerLines = root.headers ? [...(root.headers.lines || [])] : [];
  // getTextContent: an empty part adds nothing; a lone HTML root adds '' to the text.
  if (contentType === 'text/plain') return { headerLines, text: content, html: null, attachments: [] };
  return { headerLines, text: '', html: content === '' ? null : content, attachments: [] };
}

/** A mailsplit MimeNode once its header is read (mailsplit 5.4, lib/mime-node.js). */
type HeaderNode = SplitterNode & {
  addHeaderChunk(line: Buffer): boolean;
  parseHeaders(): void;
  headers: { lines: HeaderLine[] | false } | false;
};

/**
 * mailsplit's MimeNode, from the copy mailparser itself loads (mailparser pins its version): the
 * single-part path reads the root header with the very code the full parse runs.
 */
const mailsplit = createRequire(import.meta.resolve('mailparser'))('@zone-eu/mailsplit') as {
  MimeNode: new (parent: false, config: MailParserOptions) => HeaderNode;
};
const { MimeNode } = mailsplit;

/**
 * The root MIME node of a message from its header block, as mailsplit's splitter builds it: the
 * block split after each LF (the last line the empty one), each line added to a new root node,
 * then parsed. (The splitter also tests each line for a boundary, which a root cannot have yet.)
 */
function readRootHeader(block: Buffer): HeaderNode {
  const node = new MimeNode(false, OPTIONS);
  for (let start = 0; start < block.length;) {
    const end = block.indexOf(0x0a, start) + 1 || block.length;
    node.addHeaderChunk(block.subarray(start, end));
    start = end;
  }
  node.parseHeaders();
  return node;
}

/**
 * Where mailsplit ends the header block: after the first empty line (LF or CRLF), the message's
 * first line included. -1 when there is none (a header-only message: the full path reads it).
 */
function endOfHeaderBlock(source: Buffer): number {
  if (source[0] === 0x0a) return 1;
  if (source[0] === 0x0d && source[1] === 0x0a) return 2;
  for (let at = source.indexOf(0x0a); at !== -1 && at + 1 < source.length; at = source.indexOf(0x0a, at + 1)) {
    if (source[at + 1] === 0x0a) return at + 2;
    if (source[at + 1] === 0x0d && source[at + 2] === 0x0a) return at + 3;
  }
  return -1;
}

/** Charsets mailparser reads as UTF-8 without a decoder (after removing all but [a-z0-9]). */
const NO_CHARSET_DECODER = new Set(['ascii', 'usascii', 'utf8']);

/**
 * The text of an inline text part, as mailparser's processChunk makes it: transfer decoding,
 * then the charset (libmime's decoder unless ASCII or UTF-8; undecoded if libmime refuses the
 * name), then UTF-8 with CRLF as LF. Null when a decoder fails (the full path then reports it).
 */
async function decodeBody(node: SplitterNode, body: Buffer): Promise<string | null> {
  const streams: Transform[] = [];
  // mailsplit decodes base64 and quoted-printable; any other encoding passes through as it is.
  if (node.encoding === 'base64' || node.encoding === 'quoted-printable') streams.push(node.getDecoder());
  const charset = node.charset || 'utf-8';
  if (!NO_CHARSET_DECODER.has(charset.toLowerCase().replace(/[^a-z0-9]+/g, ''))) {
    try {
      streams.push(libmime.createDecodeStream(charset));
    } catch {
      // mailparser leaves the bytes undecoded too
    }
  }
  let bytes = body;
  try {
    for (const stream of streams) bytes = await throughStream(stream, bytes);
  } catch {
    return null;
  }
  // replace(/\r?\n/g, '\n') as mailparser writes it: the same string, with a plain-string search.
  return bytes.toString().replaceAll('\r\n', '\n');
}

/** All of `input` through a Transform stream, its output joined. */
function throughStream(stream: Transform, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer | string) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
    stream.end(input);
  });
}

/** The full parse: mailparser over the whole message. Rejects when mailparser reports an error. */
function parseWithMailparser(source: Buffer): Promise<MimeResult> {
  return new Promise((resolve, reject) => {
    const parser = new LeanMailParser(OPTIONS);
    const result: MimeResult = { headerLines: [], text: '', html: null, attachments: [] };
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      parser.destroy();
      reject(error instanceof Error ? error : new Error(String(error)));
    };

    parser.on('headerLines', (lines) => {
      result.headerLines = [...lines];
    });
    parser.on('data', (data) => {
      if (data.type === 'text') {
        result.text = data.text ?? '';
        result.html = data.html ?? null;
        return;
      }
      const attachment = describe(data);
      result.attachments.push(attachment);
      // The parser waits for release() before the next part, which must come after the content
      // has been read to its end, as simpleParser does; reading is only counting here.
      data.content.on('data', (chunk: Buffer) => {
        attachment.size += chunk.length;
      });
      data.content.once('end', () => data.release?.());
      data.content.on('error', fail);
    });
    parser.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(result);
    });
    parser.on('error', fail);
    try {
      parser.end(source);
    } catch (error) {
      fail(error);
    }
  });
}

function describe(attachment: AttachmentStream): ParsedAttachment {
  const disposition = attachment.contentDisposition?.toLowerCase();
  return {
    filename: attachment.filename === undefined ? null : withoutControls(attachment.filename),
    contentType: attachment.contentType,
    size: 0,
    contentId: attachment.cid ?? null,
    // mailparser numbers the parts under a multipart; a single-part message's body is part 1
    // (RFC 3501 6.4.5), the number IMAP fetches it by.
    partId: attachment.partId ?? '1',
    // An image referenced from the HTML of a multipart/related often has no disposition at all.
    inline: disposition === 'inline' || (disposition === undefined && attachment.related === true),
  };
}
