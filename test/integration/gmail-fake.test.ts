import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentMessage, textMessage } from '../fakes/gmail/corpus.js';
import { FakeGmailServer } from '../fakes/gmail/gmail-server.js';

// The fake itself, against what the Gmail API reference documents (plain fetch, no client), so
// that the driver's tests rest on documented behaviour rather than on the fake agreeing with it.

let fake: FakeGmailServer;
let token: string;
const ids: string[] = [];

type Part = {
  partId: string;
  mimeType: string;
  filename: string;
  headers: { name: string; value: string }[];
  body: { size: number; data?: string; attachmentId?: string };
  parts: Part[];
};
type Message = {
  id: string;
  sizeEstimate: number;
  internalDate: string;
  snippet: string;
  raw: string;
  payload: Part;
};
type List = { messages: { id: string }[]; nextPageToken?: string; resultSizeEstimate: number };
type History = {
  history: Record<string, { labelIds?: string[]; message?: { id: string } }[]>[];
  historyId: string;
  nextPageToken?: string;
};
type Answer = List & Message & History & { error: unknown; historyId: string; data: string };

async function get(path: string, bearer = token) {
  const response = await fetch(`${fake.rootUrl}gmail/v1/users/me/${path}`, {
    headers: { authorization: `Bearer ${bearer}` },
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer };
}

beforeAll(async () => {
  fake = await FakeGmailServer.start({ quotaUnits: 100_000 });
  token = fake.grant().accessToken;
  for (let i = 0; i < 620; i++) {
    const message = textMessage(i);
    ids.push(fake.addMessage(message.raw, { labelIds: ['INBOX'], internalDate: message.date }).id);
  }
});

afterAll(async () => {
  await fake.close();
});

describe('fake Gmail API', () => {
  it('messages.list: newest first, maxResults default 100 and at most 500, page tokens, estimate', async () => {
    const first = await get('messages?labelIds=INBOX');
    expect(first.body.messages).toHaveLength(100);
    expect(first.body.messages[0]!.id).toBe(ids[0]);
    expect(first.body.resultSizeEstimate).toBe(620);
    const big = await get('messages?labelIds=INBOX&maxResults=1000');
    expect(big.body.messages).toHaveLength(500);
    const rest = await get(`messages?labelIds=INBOX&maxResults=1000&pageToken=${big.body.nextPageToken}`);
    expect(rest.body.messages).toHaveLength(120);
    expect(rest.body.nextPageToken).toBeUndefined();
    // after: in epoch seconds and as a date (midnight PST).
    const since = Math.floor((Date.UTC(2026, 10, 1) - 10.5 * 3_600_000) / 1000);
    expect((await get(`messages?q=after:${since}`)).body.resultSizeEstimate).toBe(11);
    // 2026/10/31 is 08:00 UTC (midnight PST): messages 0..16 hours before Nov 1, 00:00 UTC.
    expect((await get('messages?q=after:2026/10/31')).body.resultSizeEstimate).toBe(17);
    expect((await get('messages?q=from:someone')).status).toBe(400);
  });

  it('messages.get: the four formats and their fields', async () => {
    const sent = attachmentMessage(3);
    const { id } = fake.addMessage(sent.raw, { labelIds: ['INBOX', 'UNREAD'] });
    const minimal = (await get(`messages/${id}?format=minimal`)).body;
    expect(Object.keys(minimal).sort()).toEqual(
      ['historyId', 'id', 'internalDate', 'labelIds', 'sizeEstimate', 'snippet', 'threadId'].sort(),
    );
    expect(minimal.sizeEstimate).toBe(sent.raw.length);
    expect(minimal.internalDate).toBe(String(sent.date.getTime()));
    expect(minimal.snippet).toBe('The contract 3 is attached. Grüße.');
    const raw = (await get(`messages/${id}?format=raw`)).body;
    expect(Buffer.from(raw.raw, 'base64url').equals(sent.raw)).toBe(true);
    const metadata = (await get(`messages/${id}?format=metadata&metadataHeaders=Subject&metadataHeaders=from`)).body;
    expect(metadata.payload.headers).toEqual([
      { name: 'From', value: 'Dave <dave@acme.test>' },
      { name: 'Subject', value: 'Contract 3' },
    ]);
    const full = (await get(`messages/${id}`)).body;
    expect(full.payload.partId).toBe('');
    expect(full.payload.parts.map((part: { partId: string }) => part.partId)).toEqual(['0', '1', '2']);
    const pdf = full.payload.parts[2]!;
    expect(pdf).toMatchObject({ mimeType: 'application/pdf', filename: 'Verträge 3.pdf' });
    expect(pdf.body.size).toBe(sent.pdf.length);
    expect(pdf.body.data).toBeUndefined();
    const attachment = (await get(`messages/${id}/attachments/${pdf.body.attachmentId}`)).body;
    expect(Buffer.from(attachment.data, 'base64url').equals(sent.pdf)).toBe(true);
    const text = full.payload.parts[0]!.parts[0]!;
    expect(Buffer.from(text.body.data!, 'base64url').toString('latin1')).toBe('The contract 3 is attached. Grüße.');
    const missing = await get('messages/ffff');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 404, status: 'NOT_FOUND', errors: [{ reason: 'notFound' }] });
  });

  it('history.list: records after startHistoryId by label and type; 404 once expired', async () => {
    const start = (await get('profile')).body.historyId;
    const { id } = fake.addMessage(textMessage(-1).raw, { labelIds: ['INBOX'] });
    fake.modifyLabels(id, ['STARRED'], ['INBOX']);
    fake.addMessage(textMessage(-2).raw, { labelIds: ['SENT'] });
    const all = (await get(`history?startHistoryId=${start}`)).body;
    expect(
      all.history.map((record: object) => Object.keys(record).find((key) => key !== 'id' && key !== 'messages')),
    ).toEqual(['messagesAdded', 'labelsAdded', 'labelsRemoved', 'messagesAdded']);
    expect(Number(all.historyId)).toBeGreaterThan(Number(start));
    const inbox = (await get(`history?startHistoryId=${start}&labelId=INBOX&historyTypes=labelRemoved`)).body;
    expect(inbox.history).toHaveLength(1);
    expect(inbox.history[0]!.labelsRemoved![0]).toMatchObject({ labelIds: ['INBOX'], message: { id } });
    const paged = (await get(`history?startHistoryId=${start}&maxResults=3`)).body;
    expect(paged.history).toHaveLength(3);
    const next = (await get(`history?startHistoryId=${start}&maxResults=3&pageToken=${paged.nextPageToken}`)).body;
    expect(next.history).toHaveLength(1);
    fake.expireHistory();
    expect((await get(`history?startHistoryId=${start}`)).status).toBe(404);
  });

  it('batch: multipart/mixed in and out, Content-ID response-<id>, each call charged', async () => {
    fake.resetStats();
    const boundary = 'batch_foobarbaz';
    const body = [ids[0], 'ffff', ids[1]]
      .map(
        (id, index) =>
          `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item${index}:12930812@barnyard.example.com>\r\n\r\nGET /gmail/v1/users/me/messages/${id}?format=minimal\r\n\r\n`,
      )
      .join('');
    const response = await fetch(`${fake.rootUrl}batch/gmail/v1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/mixed; boundary=${boundary}` },
      body: `${body}--${boundary}--\r\n`,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed; boundary=/);
    const text = await response.text();
    expect(text).toContain('Content-ID: <response-item0:12930812@barnyard.example.com>');
    expect(text).toContain('Content-ID: <response-item2:12930812@barnyard.example.com>');
    expect(text.match(/HTTP\/1\.1 (\d{3})/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 404', 'HTTP/1.1 200']);
    expect(fake.stats.units).toBe(15);
    expect(fake.stats.httpRequests).toBe(1);
  });

  it('authorization and quota: 401 with WWW-Authenticate, 429 with Retry-After and Google’s error body', async () => {
    const denied = await get('profile', 'not-a-token');
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    const small = await FakeGmailServer.start({ quotaUnits: 10, quotaWindowMs: 60_000 });
    try {
      const bearer = small.grant().accessToken;
      const call = () =>
        fetch(`${small.rootUrl}gmail/v1/users/me/messages`, { headers: { authorization: `Bearer ${bearer}` } });
      expect((await call()).status).toBe(200);
      expect((await call()).status).toBe(200);
      const refused = await call();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(50);
      expect(((await refused.json()) as { error: unknown }).error).toMatchObject({
        code: 429,
        status: 'RESOURCE_EXHAUSTED',
        errors: [{ domain: 'usageLimits', reason: 'userRateLimitExceeded' }],
      });
      expect(small.stats.overQuota).toBe(1);
      expect(small.stats.units).toBe(10);
    } finally {
      await small.close();
    }
  });
});
