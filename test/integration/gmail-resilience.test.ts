import { afterEach, describe, expect, it } from 'vitest';
import type { FolderChanges, RemoteFolder, RemoteMessage } from '../../main/sync/mail-driver.js';
import { staticAccessToken, type AccessTokenSource } from '../../main/sync/oauth/access-token.js';
import { GmailDriver, type GmailDriverOptions } from '../../main/sync/drivers/gmail/gmail-driver.js';
import { RateGovernor } from '../../main/sync/rate-governor.js';
import { silentLogger } from '../../main/util/logger.js';
import { textMessage } from '../fakes/gmail/corpus.js';
import { FakeGmailServer, type FakeGmailOptions } from '../fakes/gmail/gmail-server.js';
import { TestRefreshingTokenSource } from '../fakes/gmail/token-source.js';

// Quota, throttling and credentials: the driver stays under the per-user quota whatever the server
// throws at it, honours Retry-After, refreshes an expired token once, and maps what it cannot fix.

const INBOX: RemoteFolder = { path: 'INBOX', name: 'Inbox', role: 'inbox' };
const BUDGET = { maxMessages: 100, maxBytes: 6 * 1024 * 1024 };
const USER = 'alice@example.test';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function startFake(options: FakeGmailOptions, messages = 0): Promise<FakeGmailServer> {
  const fake = await FakeGmailServer.start(options);
  open.push(fake);
  for (let i = 0; i < messages; i++) {
    const message = textMessage(i);
    fake.addMessage(message.raw, { labelIds: ['INBOX'], internalDate: message.date });
  }
  return fake;
}

function driverFor(fake: FakeGmailServer, tokens: AccessTokenSource, options: Partial<GmailDriverOptions> = {}) {
  const driver = new GmailDriver({ tokens, rootUrl: fake.rootUrl, log: silentLogger(), ...options });
  open.push(driver);
  return driver;
}

async function syncInbox(driver: GmailDriver): Promise<Map<string, RemoteMessage>> {
  const messages = new Map<string, RemoteMessage>();
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page: FolderChanges = await driver.fetchChanges(INBOX, cursor, { since: null }, BUDGET, () => [
      ...messages.keys(),
    ]);
    for (const message of page.upserts) messages.set(message.remoteId, message);
    cursor = page.nextCursor;
    if (!page.more) return messages;
  }
  throw new Error('sync did not finish');
}

describe('Gmail quota and throttling', () => {
  // A small quota (500 units per second) stands in for 15,000 per minute, so a storm takes seconds.
  const quota = { quotaUnits: 500, quotaWindowMs: 1000 };
  const governed = () => new RateGovernor({ units: 500, windowMs: 1100, maxConcurrent: 4 });

  it('finishes a sync through a 429 storm with no request over quota, honouring Retry-After', async () => {
    const fake = await startFake(quota, 150);
    const driver = driverFor(fake, staticAccessToken(fake.grant().accessToken), { governor: governed() });
    fake.injectFailures(3, 429, 1);
    const started = Date.now();
    const first = await driver.fetchChanges(INBOX, null, { since: null }, BUDGET, () => []);
    // The next calls are a batch: three of its parts are refused and retried after the pause.
    fake.injectFailures(3, 429, 1);
    const page = await driver.fetchChanges(INBOX, first.nextCursor, { since: null }, BUDGET, () => []);
    const elapsed = Date.now() - started;
    expect(first.upserts.length + page.upserts.length).toBe(150);
    expect(new Set([...first.upserts, ...page.upserts].map((message) => message.remoteId)).size).toBe(150);
    expect(page.more).toBe(false);
    expect(fake.stats.injected).toBe(6);
    expect(fake.stats.overQuota).toBe(0);
    // 150 gets × 5 + 2 lists + a profile = 761 units at 500 per second (one window and a half),
    // plus the two 1 s pauses the server asked for.
    expect(fake.stats.units).toBe(761);
    expect(elapsed).toBeGreaterThanOrEqual(2000);
  }, 20_000);

  it('(control) without a governor sized to the quota the same sync does go over it', async () => {
    const fake = await startFake(quota, 100);
    const loose = new RateGovernor({ units: 1_000_000, windowMs: 1000, maxConcurrent: 4 });
    const driver = driverFor(fake, staticAccessToken(fake.grant().accessToken), { governor: loose });
    const messages = await syncInbox(driver);
    expect(messages.size).toBe(100);
    expect(fake.stats.overQuota).toBeGreaterThan(0);
  }, 20_000);

  it('waits out a 503 with Retry-After and goes on', async () => {
    const fake = await startFake(quota, 5);
    const driver = driverFor(fake, staticAccessToken(fake.grant().accessToken), { governor: governed() });
    fake.injectFailures(2, 503, 1);
    const started = Date.now();
    const messages = await syncInbox(driver);
    expect(messages.size).toBe(5);
    expect(fake.stats.injected).toBe(2);
    // Two answers of Retry-After: 1, one after the other.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  }, 20_000);

  it('fails with RATE_LIMIT and retryAfterMs when the server asks for a long pause', async () => {
    const fake = await startFake(quota, 5);
    const driver = driverFor(fake, staticAccessToken(fake.grant().accessToken), { governor: governed() });
    fake.injectFailures(1, 429, 120);
    const started = Date.now();
    const error = await driver.listFolders().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'RATE_LIMIT' });
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(120_000);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives up on persistent 503s with TEMPORARY after its retries', async () => {
    const fake = await startFake(quota, 5);
    const driver = driverFor(fake, staticAccessToken(fake.grant().accessToken), {
      governor: governed(),
      maxRetries: 2,
    });
    fake.injectFailures(10, 503, 0);
    await expect(driver.listFolders()).rejects.toMatchObject({ code: 'TEMPORARY' });
    expect(fake.stats.injected).toBe(3);
  });

  it('maps an unreachable server to TEMPORARY', async () => {
    const fake = await startFake(quota);
    const driver = driverFor(fake, staticAccessToken(fake.grant().accessToken), { maxRetries: 1 });
    await fake.close();
    await expect(driver.listFolders()).rejects.toMatchObject({ code: 'TEMPORARY' });
  }, 20_000);
});

describe('Gmail credentials', () => {
  function refreshing(fake: FakeGmailServer) {
    const { accessToken, refreshToken } = fake.grant(USER);
    return new TestRefreshingTokenSource(
      fake.tokenUrl,
      { id: fake.clientId, secret: fake.clientSecret },
      refreshToken,
      accessToken,
    );
  }

  it('refreshes an expired token once (401 → invalidate → token endpoint → retry) and goes on', async () => {
    const fake = await startFake({}, 30);
    const tokens = refreshing(fake);
    const driver = driverFor(fake, tokens);
    expect((await syncInbox(driver)).size).toBe(30);
    expect(tokens.refreshes).toBe(0);
    fake.oauth.expireAccessTokens();
    expect((await syncInbox(driver)).size).toBe(30);
    expect(tokens.invalidations).toBe(1);
    expect(tokens.refreshes).toBe(1);
    expect(fake.oauth.counts.refreshes).toBe(1);
    expect(fake.stats.unauthorized).toBe(1);
  });

  it('fails with AUTH when the grant was revoked (the refresh is refused)', async () => {
    const fake = await startFake({}, 3);
    const tokens = refreshing(fake);
    const driver = driverFor(fake, tokens);
    await driver.listFolders();
    fake.oauth.revokeUser(USER);
    await expect(driver.fetchChanges(INBOX, null, { since: null }, BUDGET, () => [])).rejects.toMatchObject({
      code: 'AUTH',
    });
    expect(tokens.refreshes).toBe(1);
    expect(fake.stats.unauthorized).toBe(1);
  });

  it('fails with AUTH after a second 401 even when the source hands out a token again', async () => {
    const fake = await startFake({}, 3);
    const { accessToken } = fake.grant(USER);
    fake.oauth.revokeUser(USER);
    let invalidated = 0;
    const driver = driverFor(fake, { ...staticAccessToken(accessToken), invalidate: () => void (invalidated += 1) });
    await expect(driver.listFolders()).rejects.toMatchObject({ code: 'AUTH' });
    expect(invalidated).toBe(1);
    expect(fake.stats.unauthorized).toBe(2);
  });

  it('maps a token without a Gmail scope to PERMISSION', async () => {
    const fake = await startFake({}, 1);
    const { accessToken } = fake.grant(USER, ['https://www.googleapis.com/auth/userinfo.email']);
    const driver = driverFor(fake, staticAccessToken(accessToken));
    await expect(driver.listFolders()).rejects.toMatchObject({ code: 'PERMISSION' });
  });
});
