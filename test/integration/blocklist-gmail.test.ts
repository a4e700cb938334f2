import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
// Compiled, as the app runs it: the MIME parser's workers need JavaScript (see harness/core.ts).
import { AccountRunner } from '../../out/main/sync/account-runner.js';
import { GmailDriver } from '../../out/main/sync/drivers/gmail/gmail-driver.js';
import { createParserPool } from '../../out/main/sync/mime/parser-pool.js';
import { staticAccessToken } from '../../out/main/sync/oauth/access-token.js';
import { RateGovernor } from '../../out/main/sync/rate-governor.js';
import { Store } from '../../out/main/store/store.js';
import { silentLogger } from '../../out/main/util/logger.js';
import { assertBuildIsCurrent } from '../harness/compiled.js';
import { buildMessage } from '../harness/imap-client.js';
import { makeTempDir } from '../harness/temp-dir.js';
import { FakeGmailServer } from '../fakes/gmail/gmail-server.js';

// Unblocking a Gmail sender under the real AccountRunner and store, against the fake Gmail API:
// the next pass fetches exactly the messages the block kept out, by messages.get of their ids
// (no messages.list, no rescan of the mailbox), once, including one that arrived while blocked.

const ACCOUNT = 'acct-gmail';
const dir = makeTempDir();
let store: Store;
let fake: FakeGmailServer;
let runner: AccountRunner;
const pool = createParserPool({ log: silentLogger(), size: 2 });
const recent = (hours: number) => new Date(Date.now() - hours * 3_600_000);

function add(messageId: string, from: string, hoursAgo: number): void {
  const date = recent(hoursAgo);
  const raw = buildMessage({ messageId, from, to: 'alice@example.test', subject: messageId, date });
  fake.addMessage(raw, { labelIds: ['INBOX', 'UNREAD'], internalDate: date });
}

const stored = (suffix: string) =>
  (store.db.prepare('SELECT message_id FROM messages ORDER BY 1').pluck().all() as string[]).filter((id) =>
    id.endsWith(suffix),
  );

beforeAll(async () => {
  assertBuildIsCurrent();
  store = Store.open(
    join(dir.path, 'clientele.db'),
    { databaseKey: randomBytes(32), fieldKey: randomBytes(32) },
    { create: true },
  );
  store.accounts.insert({
    id: ACCOUNT,
    kind: 'gmail',
    email: 'alice@example.test',
    displayName: 'Alice',
    config: {},
    createdAt: new Date().toISOString(),
  });
  fake = await FakeGmailServer.start();
  for (let i = 0; i < 12; i++) add(`friend-${i}@fine.test`, `Friend <friend${i}@fine.test>`, 100 + i);
  for (let i = 0; i < 4; i++) add(`promo-${i}@shop.test`, 'Shop <deals@mail.shop.test>', 50 + i);
  const { accessToken } = fake.grant();
  const governor = new RateGovernor({ units: 15_000, windowMs: 61_000, maxConcurrent: 4 });
  runner = new AccountRunner(
    ACCOUNT,
    () => store,
    () =>
      new GmailDriver({ tokens: staticAccessToken(accessToken), rootUrl: fake.rootUrl, log: silentLogger(), governor }),
    pool,
    silentLogger(),
    {
      budget: { maxMessages: 5, maxBytes: 6 * 1024 * 1024 },
      pagesInFlight: 3,
      pagesPerVisit: 8,
      pollIntervalMs: 600_000,
      scope: () => ({ since: null }),
    },
  );
});

afterAll(async () => {
  await runner?.stop();
  await pool.close();
  store?.close();
  await fake?.close();
  dir.remove();
});

describe('blocklist with Gmail', () => {
  it('keeps a blocked domain out, and after unblocking fetches exactly its messages again by id', async () => {
    await runner.syncOnce();
    expect(store.mail.accountMessageCount(ACCOUNT)).toBe(16);

    const { entry, removed } = store.blocklist.add('domain', 'shop.test', new Date().toISOString());
    expect(removed).toBe(4);
    expect(store.mail.accountMessageCount(ACCOUNT)).toBe(12);
    add('promo-new@shop.test', 'Shop <deals@mail.shop.test>', 1);
    await runner.syncOnce();
    expect(stored('@shop.test')).toEqual([]);
    expect(store.blocklist.list()).toMatchObject([{ value: 'shop.test', blockedMessages: 5 }]);

    expect(store.blocklist.remove(entry.id).released).toBe(5);
    fake.resetStats();
    await runner.syncOnce();
    expect(stored('@shop.test')).toEqual([
      'promo-0@shop.test',
      'promo-1@shop.test',
      'promo-2@shop.test',
      'promo-3@shop.test',
      'promo-new@shop.test',
    ]);
    expect(fake.stats.byMethod['messages.get']).toBe(5);
    expect(fake.stats.byMethod['messages.list'] ?? 0).toBe(0);
    expect(store.mail.accountMessageCount(ACCOUNT)).toBe(17);
    expect(store.db.prepare('SELECT count(*) FROM blocked_messages').pluck().get()).toBe(0);

    fake.resetStats();
    await runner.syncOnce();
    expect(fake.stats.byMethod['messages.get'] ?? 0).toBe(0);
    expect(store.db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(17);
  });
});
