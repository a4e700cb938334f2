import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SearchIndexer } from '../../main/search/search-indexer.js';
import type { IncomingMessage } from '../../main/store/repositories/mail-repository.js';
import { Store } from '../../main/store/store.js';
import type { Logger } from '../../main/util/logger.js';
import { silentLogger } from '../../main/util/logger.js';
import { incomingMessage } from '../harness/mail-fixtures.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The background schedule: catches up batch by batch, follows new mail when nudged, survives a
// failing store (logged, retried), and stop() waits for the batch in flight.
const dirs: ReturnType<typeof makeTempDir>[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function storeWith(count: number): { store: Store; add(from: number, to: number): void } {
  const dir = makeTempDir();
  dirs.push(dir);
  const store = Store.open(
    join(dir.path, 'db'),
    { databaseKey: randomBytes(32), fieldKey: randomBytes(32) },
    { create: true },
  );
  store.accounts.insert({ id: 'a', kind: 'imap', email: 'a@x.test', displayName: 'a', config: {}, createdAt: 'x' });
  const folder = store.mail.upsertFolders('a', [{ path: 'INBOX', name: 'Inbox', role: 'inbox' }], () => true)[0]!;
  const add = (from: number, to: number): void =>
    store.mail.applyPage({
      accountId: 'a',
      folderId: folder.id,
      reset: false,
      upserts: Array.from({ length: to - from + 1 }, (_, i) => message(from + i)),
      deletes: [],
      flagChanges: [],
      cursor: 'c',
      remoteTotal: 0,
      backfillComplete: false,
      syncedAt: 'x',
    });
  add(1, count);
  return { store, add };
}

function message(n: number): IncomingMessage {
  return incomingMessage(n, {
    subjectKey: `s${n}`,
    messageId: null,
    subject: `Note ${n}`,
    date: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
    text: `text ${n}`,
    size: 10,
  });
}

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('SearchIndexer', () => {
  it('catches up on demand in several batches', async () => {
    const { store } = storeWith(300);
    const indexer = new SearchIndexer({ store: () => store, log: silentLogger() });
    let batches = 0;
    const real = store.search.indexBatch.bind(store.search);
    store.search.indexBatch = (limit) => {
      batches += 1;
      return real(limit);
    };
    expect(await indexer.catchUp()).toBe(300);
    expect(batches).toBeGreaterThan(2);
    expect(store.search.progress().pending).toBe(0);
    expect(await indexer.catchUp()).toBe(0);
    store.close();
  });

  it('sizes batches to the background budget, and to the larger one when a search waits', async () => {
    const { store, add } = storeWith(3000);
    // A clock that makes each message cost 1 ms, whatever the machine.
    let clock = 0;
    const asked: number[] = [];
    const real = store.search.indexBatch.bind(store.search);
    store.search.indexBatch = (limit) => {
      asked.push(limit);
      const added = real(limit);
      clock += added;
      return added;
    };
    const indexer = new SearchIndexer({
      store: () => store,
      log: silentLogger(),
      now: () => clock,
      batchBudgetMs: 25,
      catchUpBudgetMs: 400,
      idleMs: 60_000,
    });
    expect(await indexer.catchUp()).toBe(3000);
    expect(Math.max(...asked)).toBe(400);
    expect(asked.slice(0, 5)).toEqual([50, 100, 200, 400, 400]);

    asked.length = 0;
    add(3001, 3300);
    indexer.start();
    await until(() => store.search.progress().pending === 0);
    await indexer.stop();
    // The same cost per message, the background budget: 25 at a time.
    expect(asked.slice(0, 3)).toEqual([25, 25, 25]);
    store.close();
  });

  it('indexes in the background, follows new mail when nudged, and stops cleanly', async () => {
    const { store, add } = storeWith(120);
    const indexer = new SearchIndexer({ store: () => store, log: silentLogger(), idleMs: 60_000 });
    indexer.start();
    await until(() => store.search.progress().pending === 0);
    add(121, 130);
    expect(store.search.progress().pending).toBe(10);
    // idleMs is a minute: only the nudge can make this happen within the wait.
    indexer.nudge();
    await until(() => store.search.progress().pending === 0);
    await indexer.stop();
    add(131, 131);
    indexer.nudge();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(store.search.progress().pending).toBe(1);
    store.close();
  });

  it('while the sync is busy, indexes one batch per interval however often it is nudged', async () => {
    const { store } = storeWith(400);
    let batches = 0;
    const real = store.search.indexBatch.bind(store.search);
    store.search.indexBatch = (limit) => {
      batches += 1;
      return real(limit);
    };
    let clock = 0;
    const indexer = new SearchIndexer({
      store: () => store,
      log: silentLogger(),
      busy: () => true,
      busyBatchEveryMs: 1000,
      now: () => clock,
      idleMs: 60_000,
    });
    indexer.start();
    await until(() => batches === 1);
    const indexed = 400 - store.search.progress().pending;
    expect(indexed).toBeGreaterThan(0);
    // The sync commits pages and nudges: within the same second, no second batch.
    for (let i = 0; i < 5; i++) {
      indexer.nudge();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(batches).toBe(1);
    // A second later (by the indexer's clock), the next nudge makes the next batch.
    clock += 1000;
    indexer.nudge();
    await until(() => batches === 2);
    expect(400 - store.search.progress().pending).toBeGreaterThan(indexed);
    await indexer.stop();
    store.close();
  });

  it('logs a failing store and tries again later', async () => {
    const { store } = storeWith(10);
    const warnings: unknown[] = [];
    const log = { warn: (fields: unknown) => warnings.push(fields) } as unknown as Logger;
    let failures = 2;
    const indexer = new SearchIndexer({
      store: () => {
        if (failures > 0) {
          failures -= 1;
          throw new Error('locked');
        }
        return store;
      },
      log,
      idleMs: 10,
    });
    indexer.start();
    await until(() => store.search.progress().pending === 0);
    await indexer.stop();
    expect(warnings).toHaveLength(2);
    store.close();
  });
});
