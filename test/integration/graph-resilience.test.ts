import { afterEach, describe, expect, it } from 'vitest';
import { GraphDriver } from '../../main/sync/drivers/graph/graph-driver.js';
import type { RemoteFolder } from '../../main/sync/mail-driver.js';
import { staticAccessToken } from '../../main/sync/oauth/access-token.js';
import { RateGovernor } from '../../main/sync/rate-governor.js';
import { silentLogger } from '../../main/util/logger.js';
import { FakeGraphServer, type FakeGraphOptions } from '../fakes/graph/graph-server.js';
import { LocalMirror } from '../fakes/graph/local-mirror.js';
import { testMail } from '../fakes/graph/messages.js';
import { RefreshingTestTokenSource } from '../fakes/graph/token-source.js';

// Throttling, server errors and tokens: the real graph client against the fake's limits.
let fake: FakeGraphServer | null = null;

afterEach(async () => {
  await fake?.stop();
  fake = null;
});

async function mailbox(
  count: number,
  options: FakeGraphOptions = {},
): Promise<{ server: FakeGraphServer; inbox: RemoteFolder }> {
  const server = await new FakeGraphServer(options).start();
  fake = server;
  const inbox = server.folderId('inbox');
  for (let i = 0; i < count; i++) await server.addMessage(testMail(i).mime, inbox);
  return { server, inbox: { path: inbox, name: 'Inbox', role: 'inbox' } };
}

function tokenSource(server: FakeGraphServer): RefreshingTestTokenSource {
  const grant = server.oauth.grant(server.user);
  return new RefreshingTestTokenSource(
    server.tokenEndpoint(),
    'graph-client-id',
    grant.refreshToken,
    grant.accessToken,
  );
}

describe('GraphDriver under throttling', () => {
  it('rides out a storm of 429s and 503s within the mailbox limits', async () => {
    const { server, inbox } = await mailbox(120);
    const driver = new GraphDriver({ tokens: tokenSource(server), baseUrl: server.url, log: silentLogger() });
    const mirror = new LocalMirror(driver, { maxMessages: 60, maxBytes: 8 << 20 });
    // The storm starts at the first batch of bodies, hitting batches and delta pages alike.
    server.beforeRequest = (path) => {
      if (path !== '/$batch') return;
      server.beforeRequest = null;
      server.inject(24, 429, 1);
      server.inject(6, 503, 1);
    };
    const started = Date.now();
    await mirror.syncFolder(inbox);
    expect(mirror.ids(inbox.path)).toEqual(server.messageIds(inbox.path).sort());
    expect(server.stats.injected).toBe(30);
    // Retry-After was honoured: at least one pause of a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(server.stats.peakConcurrency).toBeLessThanOrEqual(4);
    expect(server.stats.throttledConcurrency).toBe(0);
    expect(server.stats.throttledWindow).toBe(0);
    expect(server.stats.acceptedOverLimit).toBe(0);
  });

  it('folders synced at the same time share the 4 concurrent requests (batches count per inner request)', async () => {
    const { server, inbox } = await mailbox(100, { latencyMs: 5 });
    const archiveId = server.folderId('archive');
    for (let i = 0; i < 100; i++) await server.addMessage(testMail(500 + i).mime, archiveId);
    const archive: RemoteFolder = { path: archiveId, name: 'Archive', role: 'archive' };
    const driver = new GraphDriver({ tokens: tokenSource(server), baseUrl: server.url, log: silentLogger() });
    const mirror = new LocalMirror(driver, { maxMessages: 40, maxBytes: 8 << 20 });
    await Promise.all([mirror.syncFolder(inbox), mirror.syncFolder(archive)]);
    expect(mirror.ids(archive.path)).toHaveLength(100);
    expect(server.stats.peakConcurrency).toBeLessThanOrEqual(4);
    expect(server.stats.throttledConcurrency).toBe(0);
    expect(server.stats.acceptedOverLimit).toBe(0);
  });

  it('stays under a request window (the fake set to 60 requests per 2 s)', async () => {
    const { server, inbox } = await mailbox(100, { windowLimit: 60, windowMs: 2000 });
    // The service stamps requests on arrival (a batch's inner requests as they are dispatched):
    // the client's window is 10% longer, as in graphMailboxGovernor().
    const governor = new RateGovernor({ units: 60, windowMs: 2200, maxConcurrent: 4 });
    const driver = new GraphDriver({ tokens: tokenSource(server), baseUrl: server.url, log: silentLogger(), governor });
    const mirror = new LocalMirror(driver, { maxMessages: 25, maxBytes: 8 << 20 });
    await mirror.syncFolder(inbox);
    expect(mirror.ids(inbox.path)).toHaveLength(100);
    expect(server.stats.requests).toBeGreaterThan(60);
    expect(server.stats.throttledWindow).toBe(0);
    expect(server.stats.throttledConcurrency).toBe(0);
    expect(server.stats.acceptedOverLimit).toBe(0);
  });

  it('the fake does catch a client that goes over the concurrency limit', async () => {
    const { server, inbox } = await mailbox(40, { latencyMs: 20 });
    // A governor that allows 8 at once: the fake must refuse some with 429 MailboxConcurrency.
    const governor = new RateGovernor({ units: 10_000, windowMs: 600_000, maxConcurrent: 8 });
    const driver = new GraphDriver({ tokens: tokenSource(server), baseUrl: server.url, log: silentLogger(), governor });
    const ids = server.messageIds(inbox.path);
    await Promise.all(
      ids.slice(0, 16).map((id) => driver.fetchPart(inbox.path, null, id, '1', 1 << 20).catch(() => null)),
    );
    expect(server.stats.throttledConcurrency).toBeGreaterThan(0);
  });

  it('a long Retry-After fails the page with RATE_LIMIT and its delay', async () => {
    const { server, inbox } = await mailbox(5);
    const driver = new GraphDriver({
      tokens: tokenSource(server),
      baseUrl: server.url,
      log: silentLogger(),
      maxWaitMs: 5000,
    });
    server.inject(1, 429, 120);
    await expect(
      driver.fetchChanges(inbox, null, { since: null }, { maxMessages: 10, maxBytes: 1 << 20 }, () => []),
    ).rejects.toMatchObject({
      code: 'RATE_LIMIT',
      retryAfterMs: 120_000,
    });
  });
});

describe('GraphDriver and tokens', () => {
  it('refreshes an expired access token and retries once', async () => {
    const { server, inbox } = await mailbox(30);
    const tokens = tokenSource(server);
    const driver = new GraphDriver({ tokens, baseUrl: server.url, log: silentLogger() });
    const mirror = new LocalMirror(driver, { maxMessages: 10, maxBytes: 8 << 20 });
    await driver.fetchChanges(inbox, null, { since: null }, { maxMessages: 10, maxBytes: 1 << 20 }, () => []);
    server.oauth.expireAccessTokens();
    await mirror.syncFolder(inbox);
    expect(mirror.ids(inbox.path)).toHaveLength(30);
    expect(tokens.refreshes).toBe(1);
    expect(server.oauth.counts.refreshes).toBe(1);
    expect(server.stats.unauthorized).toBe(1);
  });

  it('a revoked grant fails with AUTH', async () => {
    const { server, inbox } = await mailbox(3);
    const tokens = tokenSource(server);
    const driver = new GraphDriver({ tokens, baseUrl: server.url, log: silentLogger() });
    server.oauth.revokeUser(server.user);
    await expect(
      driver.fetchChanges(inbox, null, { since: null }, { maxMessages: 10, maxBytes: 1 << 20 }, () => []),
    ).rejects.toMatchObject({
      code: 'AUTH',
    });
    expect(tokens.refreshes).toBe(1);
  });

  it('a token the API keeps refusing fails with AUTH after one retry', async () => {
    const { server, inbox } = await mailbox(3);
    let invalidations = 0;
    const tokens = { ...staticAccessToken('at.not-issued'), invalidate: () => void (invalidations += 1) };
    const driver = new GraphDriver({ tokens, baseUrl: server.url, log: silentLogger() });
    await expect(
      driver.fetchChanges(inbox, null, { since: null }, { maxMessages: 10, maxBytes: 1 << 20 }, () => []),
    ).rejects.toMatchObject({
      code: 'AUTH',
    });
    expect(invalidations).toBe(1);
    expect(server.stats.unauthorized).toBe(2);
  });

  it('an unreachable server is TEMPORARY', async () => {
    const { server, inbox } = await mailbox(1);
    const url = server.url;
    await server.stop();
    fake = null;
    const driver = new GraphDriver({ tokens: staticAccessToken('x'), baseUrl: url, log: silentLogger() });
    await expect(
      driver.fetchChanges(inbox, null, { since: null }, { maxMessages: 10, maxBytes: 1 << 20 }, () => []),
    ).rejects.toMatchObject({
      code: 'TEMPORARY',
    });
  });
});
