import { describe, expect, it } from 'vitest';
import { buildBatchBody, parseBatchResponse } from '../../main/sync/drivers/gmail/gmail-batch.js';
import {
  narrowedCursor,
  parseGmailCursor,
  serializeGmailCursor,
  startCursor,
} from '../../main/sync/drivers/gmail/gmail-cursor.js';
import { foldHistory } from '../../main/sync/drivers/gmail/gmail-driver.js';
import {
  failureOfAnswer,
  isRetryable,
  parseRetryAfter,
  toAppError,
} from '../../main/sync/drivers/gmail/gmail-errors.js';
import { flagsOf, labelsToFolders } from '../../main/sync/drivers/gmail/gmail-labels.js';

describe('Gmail cursor', () => {
  it('round-trips, and refuses what is unreadable or another label’s', () => {
    const cursor = startCursor('INBOX', '12345', new Date('2026-01-01T00:00:00Z'));
    expect(cursor).toMatchObject({ phase: 'full', pageToken: null, after: 1767225600, historyId: '12345' });
    const text = serializeGmailCursor({ ...cursor, pageToken: 'abc' });
    expect(parseGmailCursor(text, 'INBOX')).toEqual({ ...cursor, pageToken: 'abc' });
    expect(parseGmailCursor(text, 'SENT')).toBeNull();
    expect(parseGmailCursor('{"v":1,"uidValidity":"3"}', 'INBOX')).toBeNull();
    expect(parseGmailCursor('not json', 'INBOX')).toBeNull();
    expect(parseGmailCursor(null, 'INBOX')).toBeNull();
    expect(startCursor('INBOX', '1', null).after).toBeNull();
  });

  it('starts a listing under way again under a window a month or more narrower, and only then', () => {
    const day = 24 * 3600;
    const jan = new Date('2026-01-01T00:00:00Z');
    const listing = { ...startCursor('INBOX', '7', jan), pageToken: 'p3' };
    const after = (days: number) => new Date(jan.getTime() + days * day * 1000);
    // The window rolling forward with the calendar changes nothing; a month later starts again.
    expect(narrowedCursor(listing, after(3))).toBe(listing);
    expect(narrowedCursor(listing, after(31))).toEqual({
      ...listing,
      after: listing.after! + 31 * day,
      pageToken: null,
      relisting: true,
    });
    // Everything asked for before: any window is narrower. Everything asked for now: nothing is.
    const everything = { ...startCursor('INBOX', '7', null), pageToken: 'p3' };
    expect(narrowedCursor(everything, after(0))).toMatchObject({ after: listing.after, pageToken: null });
    expect(narrowedCursor(listing, null)).toBe(listing);
    // A finished listing is left alone; the older range of a widening keeps to the new bound, or ends.
    const done = { ...listing, phase: 'incremental' as const, pageToken: null };
    expect(narrowedCursor(done, after(60))).toBe(done);
    const older = { ...done, older: { after: null, before: listing.after!, pageToken: 'o2' } };
    expect(narrowedCursor(older, after(-90))).toEqual({
      ...older,
      older: { after: listing.after! - 90 * day, before: listing.after, pageToken: null },
    });
    expect(narrowedCursor(older, after(10))).toEqual({ ...older, older: null });
    // The round trip keeps the flag.
    const relisting = narrowedCursor(listing, after(40));
    expect(parseGmailCursor(serializeGmailCursor(relisting), 'INBOX')).toEqual(relisting);
  });
});

describe('Gmail labels', () => {
  it('makes folders of system and user labels only, Inbox and Sent first', () => {
    const folders = labelsToFolders([
      { id: 'Label_2', name: 'Zeta', type: 'user' },
      { id: 'UNREAD', name: 'UNREAD', type: 'system' },
      { id: 'TRASH', name: 'TRASH', type: 'system' },
      { id: 'CATEGORY_SOCIAL', name: 'CATEGORY_SOCIAL', type: 'system' },
      { id: 'Label_1', name: 'Alpha/Beta', type: 'user' },
      { id: 'SENT', name: 'SENT', type: 'system' },
      { id: 'STARRED', name: 'STARRED', type: 'system' },
      { id: 'IMPORTANT', name: 'IMPORTANT', type: 'system' },
      { id: 'SPAM', name: 'SPAM', type: 'system' },
      { id: 'INBOX', name: 'INBOX', type: 'system' },
      { id: 'DRAFT', name: 'DRAFT', type: 'system' },
      { id: 'CHAT', name: 'CHAT', type: 'system' },
    ]);
    expect(folders).toEqual([
      { path: 'INBOX', name: 'Inbox', role: 'inbox' },
      { path: 'SENT', name: 'Sent', role: 'sent' },
      { path: 'DRAFT', name: 'Drafts', role: 'drafts' },
      { path: 'SPAM', name: 'Spam', role: 'junk' },
      { path: 'TRASH', name: 'Trash', role: 'trash' },
      { path: 'Label_1', name: 'Alpha/Beta', role: 'other' },
      { path: 'Label_2', name: 'Zeta', role: 'other' },
    ]);
  });

  it('maps UNREAD and STARRED to flags', () => {
    expect(flagsOf(['INBOX', 'UNREAD'])).toEqual([]);
    expect(flagsOf(['INBOX'])).toEqual(['\\Seen']);
    expect(flagsOf(['STARRED', 'IMPORTANT', 'CATEGORY_UPDATES'])).toEqual(['\\Seen', '\\Flagged']);
    expect(flagsOf(['DRAFT', 'UNREAD'])).toEqual(['\\Draft']);
    expect(flagsOf(undefined)).toEqual(['\\Seen']);
  });
});

describe('foldHistory', () => {
  const msg = (id: string, labelIds: string[]) => ({ id, threadId: id, labelIds });
  it('nets each message’s changes for one label', () => {
    const changes = foldHistory(
      [
        { id: '1', messagesAdded: [{ message: msg('a', ['INBOX', 'UNREAD']) }] },
        { id: '2', labelsRemoved: [{ message: msg('a', ['INBOX']), labelIds: ['UNREAD'] }] },
        { id: '3', labelsAdded: [{ message: msg('b', ['INBOX', 'STARRED']), labelIds: ['STARRED'] }] },
        { id: '4', labelsRemoved: [{ message: msg('c', []), labelIds: ['INBOX'] }] },
        { id: '5', labelsAdded: [{ message: msg('d', ['INBOX']), labelIds: ['INBOX'] }] },
        { id: '6', messagesAdded: [{ message: msg('e', ['INBOX']) }] },
        { id: '7', messagesDeleted: [{ message: { id: 'e', threadId: 'e' } }] },
        { id: '8', messagesAdded: [{ message: msg('f', ['SENT']) }] },
      ],
      'INBOX',
    );
    expect(Object.fromEntries(changes)).toEqual({
      a: { kind: 'upsert', labelIds: ['INBOX'] },
      b: { kind: 'flags', labelIds: ['INBOX', 'STARRED'] },
      c: { kind: 'delete', labelIds: [] },
      d: { kind: 'upsert', labelIds: ['INBOX'] },
      e: { kind: 'delete', labelIds: [] },
    });
  });
});

describe('Gmail batch framing', () => {
  it('builds the documented request body and reads a response (https://developers.google.com/gmail/api/guides/batch)', () => {
    const body = buildBatchBody([{ id: 'm0', path: '/gmail/v1/users/me/messages/abc?format=raw' }], 'batch_foobarbaz');
    expect(body).toBe(
      '--batch_foobarbaz\r\nContent-Type: application/http\r\nContent-ID: <m0>\r\n\r\nGET /gmail/v1/users/me/messages/abc?format=raw\r\n\r\n--batch_foobarbaz--\r\n',
    );
    const response = [
      '--batch_pK7JBAk73-E=_AA5eFwv4m2Q=',
      'Content-Type: application/http',
      'Content-ID: <response-m0>',
      '',
      'HTTP/1.1 200 OK',
      'Content-Type: application/json',
      'Content-Length: 12',
      '',
      '{"id":"abc"}',
      '--batch_pK7JBAk73-E=_AA5eFwv4m2Q=',
      'Content-Type: application/http',
      'Content-ID: <response-m1>',
      '',
      'HTTP/1.1 429 Too Many Requests',
      'Retry-After: 7',
      '',
      '{"error":{"code":429,"errors":[{"reason":"userRateLimitExceeded"}]}}',
      '--batch_pK7JBAk73-E=_AA5eFwv4m2Q=--',
    ].join('\r\n');
    const answers = parseBatchResponse(response, 'multipart/mixed; boundary=batch_pK7JBAk73-E=_AA5eFwv4m2Q=');
    expect(answers.map((answer) => [answer.id, answer.status, answer.body])).toEqual([
      ['m0', 200, '{"id":"abc"}'],
      ['m1', 429, '{"error":{"code":429,"errors":[{"reason":"userRateLimitExceeded"}]}}'],
    ]);
    const failure = failureOfAnswer(429, answers[1]!.headers, answers[1]!.body);
    expect(failure).toMatchObject({ reason: 'userRateLimitExceeded', retryAfterMs: 7000 });
    expect(isRetryable(failure)).toBe(true);
    expect(toAppError(failure)).toMatchObject({ code: 'RATE_LIMIT', retryAfterMs: 7000 });
  });
});

describe('Gmail error mapping', () => {
  it('maps statuses and reasons to the shared codes', () => {
    const of = (status: number, reason: string) =>
      toAppError(failureOfAnswer(status, {}, JSON.stringify({ error: { code: status, errors: [{ reason }] } }))).code;
    expect(of(401, 'authError')).toBe('AUTH');
    expect(of(403, 'insufficientPermissions')).toBe('PERMISSION');
    expect(of(403, 'userRateLimitExceeded')).toBe('RATE_LIMIT');
    expect(of(404, 'notFound')).toBe('NOT_FOUND');
    expect(of(500, 'backendError')).toBe('TEMPORARY');
    expect(of(503, 'backendError')).toBe('TEMPORARY');
    expect(isRetryable(failureOfAnswer(403, {}, '{"error":{"errors":[{"reason":"insufficientPermissions"}]}}'))).toBe(
      false,
    );
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(55_000);
  });
});
