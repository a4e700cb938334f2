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
import { makeTempDir } from '../harness/temp-dir.js';
import { attachmentMessage, textMessage } from '../fakes/gmail/corpus.js';
import { FakeGmailServer } from '../fakes/gmail/gmail-server.js';

// The Gmail driver under the real AccountRunner and store (the engine does not create Gmail
// drivers yet: the runner is given one). Labels become folders, a message in two labels is one
// message with two locations, and an expired history re-files the label without duplicates.

const ACCOUNT = 'acct-gmail';
const dir = makeTempDir();
let store: Store;
let fake: FakeGmailServer;
let runner: AccountRunner;
const pool = createParserPool({ log: silentLogger(), size: 2 });

function count(sql: string, ...params: unknown[]): number {
  const row = store.db.prepare(sql).get(...params) as { n: number };
  return row.n;
}

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
  for (let i = 0; i < 120; i++) {
    const message = textMessage(i);
    // Every fifth message is also in Sent (a message to oneself): one message, two locations.
    fake.addMessage(message.raw, {
      labelIds: i % 5 === 0 ? ['INBOX', 'SENT'] : ['INBOX', 'UNREAD'],
      internalDate: message.date,
    });
  }
  const attached = attachmentMessage(1);
  fake.addMessage(attached.raw, { labelIds: ['INBOX'], internalDate: attached.date });
  fake.addMessage(textMessage(500).raw, { labelIds: ['SPAM'] });
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
      budget: { maxMessages: 50, maxBytes: 6 * 1024 * 1024 },
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

describe('Gmail through the AccountRunner and the store', () => {
  it('syncs labels into folders, one message per Gmail message, attachments as metadata', async () => {
    await runner.syncOnce();
    const folders = store.mail.folders(ACCOUNT);
    const inbox = folders.find((folder) => folder.path === 'INBOX')!;
    const sent = folders.find((folder) => folder.path === 'SENT')!;
    const spam = folders.find((folder) => folder.path === 'SPAM')!;
    expect(store.mail.folderMessageCount(inbox.id)).toBe(121);
    expect(store.mail.folderMessageCount(sent.id)).toBe(24);
    // Spam is junk: listed, not synced by default.
    expect(spam.syncEnabled).toBe(false);
    expect(store.mail.folderMessageCount(spam.id)).toBe(0);
    expect(store.mail.accountMessageCount(ACCOUNT)).toBe(121);
    expect(store.syncHealth.get(ACCOUNT).lastError).toBeNull();
    expect(count("SELECT count(*) AS n FROM messages WHERE attachments_json LIKE '%Vertr%'")).toBe(1);
  });

  it('re-files a label after its history expired, without duplicating a message', async () => {
    const inbox = store.mail.folders(ACCOUNT).find((folder) => folder.path === 'INBOX')!;
    const messagesBefore = count('SELECT count(*) AS n FROM messages');
    fake.expireHistory();
    const fresh = textMessage(-1);
    fake.addMessage(fresh.raw, { labelIds: ['INBOX'] });
    fake.deleteMessage(fake.messageIds()[3]!);
    await runner.syncOnce();
    expect(store.syncHealth.get(ACCOUNT).lastError).toBeNull();
    expect(store.mail.folderMessageCount(inbox.id)).toBe(121);
    expect(count('SELECT count(*) AS n FROM messages')).toBeLessThanOrEqual(messagesBefore + 1);
    expect(count('SELECT count(*) AS n FROM messages WHERE message_id = ?', fresh.messageId)).toBe(1);
    // No message appears twice, in any folder.
    expect(
      count('SELECT count(*) AS n FROM (SELECT message_id FROM messages GROUP BY message_id HAVING count(*) > 1)'),
    ).toBe(0);
  });
});
