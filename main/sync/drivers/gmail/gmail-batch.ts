import { randomBytes } from 'node:crypto';

/**
 * Gmail batch requests (https://developers.google.com/gmail/api/guides/batch): up to 100 calls
 * in one POST /batch/gmail/v1, a multipart/mixed body whose parts are `application/http` requests
 * (the outer Authorization applies to each); the answer is a multipart/mixed of `application/http`
 * responses, each with `Content-ID: <response-ID>` for its request's Content-ID. Gmail advises no
 * more than 50 calls per batch (larger ones trip the rate limits). Each call is charged its own
 * quota. The googleapis Node client has no batch support: this builds and reads the framing, sent
 * through the same authenticated transport.
 */
export const MAX_BATCH = 50;

export type BatchCall = { id: string; path: string };
export type BatchAnswer = { id: string; status: number; headers: Record<string, string>; body: string };

export function newBoundary(): string {
  return `batch_${randomBytes(12).toString('hex')}`;
}

/** The multipart/mixed body of a batch of GET calls; `path` is absolute (/gmail/v1/...). */
export function buildBatchBody(calls: readonly BatchCall[], boundary: string): string {
  const parts = calls.map((call) =>
    [
      `--${boundary}`,
      'Content-Type: application/http',
      `Content-ID: <${call.id}>`,
      '',
      `GET ${call.path}`,
      '',
      '',
    ].join('\r\n'),
  );
  return `${parts.join('')}--${boundary}--\r\n`;
}

/** The answers of a batch response, by request id (from `Content-ID: <response-ID>`). */
export function parseBatchResponse(body: string, contentType: string): BatchAnswer[] {
  const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const value = boundary?.[1] ?? boundary?.[2];
  if (!value) throw new Error('batch response without a multipart boundary');
  const answers: BatchAnswer[] = [];
  for (const part of splitParts(body, value)) {
    const [outerHead, rest] = splitHead(part);
    const contentId = headerLines(outerHead)['content-id'] ?? '';
    const id = /^<?response-(.+?)>?$/.exec(contentId.trim())?.[1];
    const [innerHead, innerBody] = splitHead(rest.replace(/^(\r?\n)+/, ''));
    const [statusLine = '', ...lines] = innerHead.split(/\r?\n/);
    const status = Number(/^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(statusLine)?.[1] ?? NaN);
    if (!id || !Number.isFinite(status)) continue;
    answers.push({ id, status, headers: headerLines(lines.join('\r\n')), body: innerBody.trimEnd() });
  }
  return answers;
}

/** RFC 2046 5.1.1: body parts between delimiter lines; the CRLF before a delimiter belongs to it. */
function splitParts(body: string, boundary: string): string[] {
  const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const delimiter = new RegExp(`(?:^|\\r?\\n)--${escaped}(--)?[ \\t]*(?:\\r?\\n|$)`, 'g');
  const parts: string[] = [];
  let start = -1;
  for (let match = delimiter.exec(body); match; match = delimiter.exec(body)) {
    if (start >= 0) parts.push(body.slice(start, match.index));
    if (match[1]) return parts;
    start = match.index + match[0].length;
  }
  return parts;
}

function splitHead(text: string): [string, string] {
  const match = /\r?\n\r?\n/.exec(text);
  if (!match) return [text, ''];
  return [text.slice(0, match.index), text.slice(match.index + match[0].length)];
}

function headerLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
