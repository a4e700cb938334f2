import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../common/errors.js';
import { parseGraphCursor, relativeLink } from '../../main/sync/drivers/graph/graph-cursor.js';
import { batchBytes, GraphDriver } from '../../main/sync/drivers/graph/graph-driver.js';
import { mapGraphError, retryAfterMs, TOKEN_SOURCE_CODE } from '../../main/sync/drivers/graph/graph-errors.js';
import { graphFlags, graphFolderRole } from '../../main/sync/drivers/graph/graph-folders.js';
import { GovernedMiddleware } from '../../main/sync/drivers/graph/graph-http.js';
import { attachmentsOf, sourceWithoutAttachments } from '../../main/sync/drivers/graph/graph-source.js';
import { staticAccessToken } from '../../main/sync/oauth/access-token.js';
import { RateGovernor } from '../../main/sync/rate-governor.js';
import { silentLogger } from '../../main/util/logger.js';

function graphError(statusCode: number, code: string | null, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`HTTP ${statusCode}`), { statusCode, code, headers: new Headers(headers) });
}

describe('graph cursor', () => {
  it('keeps links below the API root only, as paths the graph client accepts', () => {
    const root = 'https://graph.microsoft.com/v1.0';
    expect(relativeLink(`${root}/me/mailFolders/AQ==/messages/delta?$deltatoken=abc`, root)).toBe(
      '/me/mailFolders/AQ==/messages/delta?$deltatoken=abc',
    );
    expect(relativeLink('https://evil.example/v1.0/me/messages/delta?$skiptoken=x', root)).toBeNull();
    expect(relativeLink('https://graph.microsoft.com/beta/me/messages', root)).toBeNull();
    expect(relativeLink('not a url', root)).toBeNull();
  });

  it('parses its own JSON for the same folder, and nothing else', () => {
    const cursor = { v: 1, folderId: 'F1', link: '/me/x', phase: 'delta' };
    expect(parseGraphCursor(JSON.stringify(cursor), 'F1')).toEqual(cursor);
    expect(parseGraphCursor(JSON.stringify(cursor), 'F2')).toBeNull();
    expect(parseGraphCursor('{"v":1,"folderId":"F1","link":3,"phase":"delta"}', 'F1')).toBeNull();
    expect(parseGraphCursor('{"uidValidity":"7"}', 'F1')).toBeNull();
    expect(parseGraphCursor('garbage', 'F1')).toBeNull();
    expect(parseGraphCursor(null, 'F1')).toBeNull();
  });
});

describe('graph errors', () => {
  it('maps statuses to the shared codes', () => {
    expect(mapGraphError(graphError(401, 'InvalidAuthenticationToken')).code).toBe('AUTH');
    expect(mapGraphError(graphError(403, 'ErrorAccessDenied')).code).toBe('PERMISSION');
    expect(mapGraphError(graphError(404, 'ErrorItemNotFound')).code).toBe('NOT_FOUND');
    expect(mapGraphError(graphError(410, 'syncStateNotFound')).code).toBe('CURSOR_EXPIRED');
    expect(mapGraphError(graphError(500, 'generalException')).code).toBe('TEMPORARY');
    expect(mapGraphError(graphError(-1, 'TypeError')).code).toBe('TEMPORARY');
    const limited = mapGraphError(graphError(429, 'ApplicationThrottled', { 'retry-after': '17' }));
    expect(limited.code).toBe('RATE_LIMIT');
    expect(limited.retryAfterMs).toBe(17_000);
    expect(mapGraphError(graphError(503, 'ServiceUnavailable')).retryAfterMs).toBe(60_000);
  });

  it('keeps the code of a failing token source and passes AppErrors through', () => {
    expect(mapGraphError(graphError(401, `${TOKEN_SOURCE_CODE}AUTH`)).code).toBe('AUTH');
    expect(mapGraphError(graphError(599, `${TOKEN_SOURCE_CODE}TEMPORARY`)).code).toBe('TEMPORARY');
    const own = new AppError('TOO_LARGE', 'big');
    expect(mapGraphError(own)).toBe(own);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Wed, 25 Nov 2026 12:00:10 GMT', Date.parse('2026-11-25T12:00:00Z'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });
});

describe('graph folders and flags', () => {
  it('gives roles from the resolved well-known names', () => {
    const known = new Map([['ID-INBOX', 'inbox' as const]]);
    expect(graphFolderRole('ID-INBOX', known)).toBe('inbox');
    expect(graphFolderRole('ID-OTHER', known)).toBe('other');
  });

  it('maps isRead and flag to \\Seen and \\Flagged', () => {
    expect(graphFlags({ isRead: true, flag: { flagStatus: 'flagged' } })).toEqual(['\\Seen', '\\Flagged']);
    expect(graphFlags({ isRead: false, flag: { flagStatus: 'complete' } })).toEqual([]);
    expect(graphFlags({})).toEqual([]);
  });
});

describe('graph source without attachments', () => {
  it('keeps the original header and the text, drops the body headers', async () => {
    const source = sourceWithoutAttachments({
      id: 'X',
      internetMessageHeaders: [
        { name: 'From', value: 'Carol <carol@client.test>' },
        { name: 'Subject', value: '=?UTF-8?B?w4lsw6lwaGFudA==?=' },
        { name: 'Message-ID', value: '<m1@client.test>' },
        { name: 'Content-Type', value: 'multipart/mixed; boundary="zz"' },
        { name: 'MIME-Version', value: '1.0' },
      ],
      body: { contentType: 'html', content: '<p>Bonjour, Zoë</p>' },
    });
    const parsed = await simpleParser(source);
    expect(parsed.subject).toBe('Éléphant');
    expect(parsed.messageId).toBe('<m1@client.test>');
    expect(parsed.html).toContain('Bonjour, Zoë');
    expect(parsed.attachments).toHaveLength(0);
    expect(source.toString().match(/^Content-Type:/gim)).toHaveLength(1);
  });

  it('builds a header from the properties when Graph has no internetMessageHeaders', async () => {
    const source = sourceWithoutAttachments({
      id: 'X',
      subject: 'Offre été',
      from: { emailAddress: { name: 'Dupont, Jean', address: 'jean@client.test' } },
      toRecipients: [{ emailAddress: { name: 'Alice', address: 'alice@contoso.test' } }],
      sentDateTime: '2024-03-01T10:00:00Z',
      internetMessageId: '<m2@client.test>',
      body: { contentType: 'text', content: 'Hello' },
    });
    const parsed = await simpleParser(source);
    expect(parsed.subject).toBe('Offre été');
    expect(parsed.from?.value[0]).toEqual({ name: 'Dupont, Jean', address: 'jean@client.test' });
    expect(parsed.date?.toISOString()).toBe('2024-03-01T10:00:00.000Z');
    expect(parsed.text?.trim()).toBe('Hello');
  });

  it('records attachments with the Graph attachment id as part id', () => {
    expect(
      attachmentsOf([{ id: 'AT1', name: 'a.pdf', contentType: 'application/pdf', size: 9, isInline: false }]),
    ).toEqual([
      { filename: 'a.pdf', contentType: 'application/pdf', size: 9, contentId: null, partId: 'AT1', inline: false },
    ]);
  });

  it('decodes batch bodies: base64, or text as it is', () => {
    expect(batchBytes(Buffer.from('From: a\r\n\r\nhi').toString('base64')).toString()).toBe('From: a\r\n\r\nhi');
    expect(batchBytes('From: a\r\n\r\nhi').toString()).toBe('From: a\r\n\r\nhi');
    expect(batchBytes({ not: 'bytes' })).toEqual(Buffer.alloc(0));
  });
});

describe('GovernedMiddleware slots', () => {
  it('never holds more than the governor allows when batches and single requests mix', async () => {
    const governor = new RateGovernor({ units: 1000, windowMs: 60_000, maxConcurrent: 4 });
    const middleware = new GovernedMiddleware({
      tokens: staticAccessToken('t'),
      governor,
      origin: 'https://graph.microsoft.com',
      log: silentLogger(),
      maxWaitMs: 1000,
      maxRetries: 1,
    });
    let running = 0;
    let peak = 0;
    const work = (slots: number) => async () => {
      running += slots;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= slots;
    };
    const jobs = Array.from({ length: 30 }, (_, i) => {
      const slots = i % 3 === 0 ? 4 : i % 3 === 1 ? 2 : 1;
      return middleware.withSlots(slots, slots, work(slots));
    });
    await Promise.all(jobs);
    expect(peak).toBeLessThanOrEqual(4);
    expect(governor.state().inFlight).toBe(0);
  });

  it('refuses to send the token to another origin', async () => {
    const middleware = new GovernedMiddleware({
      tokens: staticAccessToken('t'),
      governor: new RateGovernor({ units: 10, windowMs: 1000, maxConcurrent: 4 }),
      origin: 'https://graph.microsoft.com',
      log: silentLogger(),
      maxWaitMs: 1000,
      maxRetries: 1,
    });
    middleware.setNext({ execute: async () => undefined });
    await expect(middleware.execute({ request: 'https://evil.example/v1.0/me', options: {} })).rejects.toMatchObject({
      code: 'INTERNAL',
    });
  });
});

describe('GraphDriver.watch', () => {
  it('polls every folder with jitter until disposed (subscriptions are not wired)', async () => {
    const driver = new GraphDriver({
      tokens: staticAccessToken('t'),
      baseUrl: 'http://127.0.0.1:9',
      log: silentLogger(),
      pollIntervalMs: 20,
    });
    const seen: string[] = [];
    const watcher = await driver.watch(
      [
        { path: 'A', name: 'Inbox', role: 'inbox' },
        { path: 'B', name: 'Sent', role: 'sent' },
      ],
      (path) => seen.push(path),
    );
    await new Promise((resolve) => setTimeout(resolve, 90));
    await watcher.dispose();
    const count = seen.length;
    expect(count).toBeGreaterThanOrEqual(4);
    expect(seen.filter((path) => path === 'A').length).toBe(seen.filter((path) => path === 'B').length);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(seen.length).toBe(count);
  });
});
