/**
 * A small MIME splitter for the fake Gmail API: enough of RFC 5322 / RFC 2045-2047 / RFC 2231 to
 * build the `full` and `metadata` payloads Gmail returns from a stored raw message. Test code:
 * clarity over speed; bytes are handled as latin1 strings so that no octet is ever altered.
 */

export type MimeHeader = { name: string; value: string };

export type MimeNode = {
  headers: MimeHeader[];
  /** Lower-cased type/subtype (text/plain when absent, RFC 2045 5.2). */
  mimeType: string;
  params: Record<string, string>;
  disposition: string | null;
  filename: string | null;
  /** Children of a multipart; null for a leaf (message/rfc822 is kept as a leaf, as Gmail does). */
  children: MimeNode[] | null;
  /** The leaf's content with its transfer encoding removed. */
  content: Buffer;
};

export function parseMime(raw: Buffer): MimeNode {
  return parseEntity(raw.toString('latin1'), 'text/plain', 0);
}

function parseEntity(text: string, defaultType: string, depth: number): MimeNode {
  const split = /\r?\n\r?\n/.exec(text);
  const headText = split ? text.slice(0, split.index) : text;
  const body = split ? text.slice(split.index + split[0].length) : '';
  const headers = parseHeaders(headText);
  const contentType = headerValue(headers, 'content-type');
  const { value: type, params } = parseParams(contentType ?? defaultType);
  const mimeType = type.includes('/') ? type.toLowerCase() : 'text/plain';
  const dispositionHeader = headerValue(headers, 'content-disposition');
  const disposition = dispositionHeader ? parseParams(dispositionHeader) : null;
  const filename = disposition?.params.filename ?? params.name ?? null;
  const node: MimeNode = {
    headers,
    mimeType,
    params,
    disposition: disposition?.value.toLowerCase() ?? null,
    filename: filename ? decodeWords(filename) : null,
    children: null,
    content: Buffer.alloc(0),
  };
  if (mimeType.startsWith('multipart/') && params.boundary && depth < 16) {
    const childType = mimeType === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    node.children = splitMultipart(body, params.boundary).map((part) => parseEntity(part, childType, depth + 1));
    return node;
  }
  node.content = decodeTransfer(body, headerValue(headers, 'content-transfer-encoding'));
  return node;
}

/** RFC 2046 5.1.1: the CRLF before a delimiter line belongs to the delimiter. */
export function splitMultipart(body: string, boundary: string): string[] {
  const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const delimiter = new RegExp(`(?:^|\\r?\\n)--${escaped}(--)?[ \\t]*(?:\\r?\\n|$)`, 'g');
  const parts: string[] = [];
  let start = -1;
  for (let match = delimiter.exec(body); match; match = delimiter.exec(body)) {
    if (start >= 0) parts.push(body.slice(start, match.index));
    if (match[1]) return parts;
    start = match.index + match[0].length;
  }
  if (start >= 0) parts.push(body.slice(start));
  return parts;
}

export function parseHeaders(text: string): MimeHeader[] {
  const headers: MimeHeader[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1]!.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  // Header values as Gmail shows them: the raw octets read as UTF-8 (encoded words left as sent).
  return headers.map((header) => ({ name: header.name, value: Buffer.from(header.value, 'latin1').toString('utf8') }));
}

export function headerValue(headers: MimeHeader[], name: string): string | undefined {
  return headers.find((header) => header.name.toLowerCase() === name)?.value;
}

/** `type; a=b; c="d"` with RFC 2231 `name*=charset''value` and continuations. */
function parseParams(value: string): { value: string; params: Record<string, string> } {
  const [head, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  const extended: Record<string, string[]> = {};
  for (const piece of rest.join(';').match(/[^;"]+(?:"[^"]*"[^;"]*)*/g) ?? []) {
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    let val = piece.slice(eq + 1).trim();
    if (val.startsWith('"') && val.endsWith('"')) val = val.slice(1, -1);
    const star = /^([^*]+)\*(\d+)?\*?$/.exec(key);
    if (star) (extended[star[1]!] ??= []).push(val);
    else params[key] = val;
  }
  for (const [key, pieces] of Object.entries(extended)) {
    const joined = pieces.join('');
    const match = /^([^']*)'[^']*'(.*)$/.exec(joined);
    params[key] = match ? decodeCharset(Buffer.from(decodePercent(match[2]!)), match[1]!) : joined;
  }
  return { value: (head ?? '').trim(), params };
}

function decodePercent(value: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '%' && /^[0-9a-f]{2}$/i.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(value.charCodeAt(i) & 0xff);
  }
  return Uint8Array.from(bytes);
}

/** RFC 2047 encoded words (for file names). */
function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=/gi, (_, charset: string, encoding: string, text: string) => {
    const bytes =
      encoding.toLowerCase() === 'b' ? Buffer.from(text, 'base64') : decodeQuotedPrintable(text.replace(/_/g, ' '));
    return decodeCharset(bytes, charset);
  });
}

export function decodeCharset(bytes: Buffer | Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset || 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function decodeTransfer(body: string, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return Buffer.from(body, 'latin1');
  }
}

function decodeQuotedPrintable(text: string): Buffer {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(soft.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}

/** Every leaf, depth first. */
export function leavesOf(node: MimeNode): MimeNode[] {
  return node.children ? node.children.flatMap(leavesOf) : [node];
}
