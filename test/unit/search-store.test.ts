import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SearchOrder } from '../../common/domain/search.js';
import type { EmailVisibility } from '../../common/rbac/permissions.js';
import { searchColumnsFor } from '../../main/search/search-query.js';
import { indexingFigure, searchMessages } from '../../main/search/search-service.js';
import type { Address, IncomingMessage, PageToApply } from '../../main/store/repositories/mail-repository.js';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import { SearchRepository } from '../../main/store/repositories/search-repository.js';
import type { Migration } from '../../main/store/migrations/migration.js';
import { Store } from '../../main/store/store.js';
import { searchIndexInstances } from '../harness/search-index.js';
import { incomingMessage, minuteOf2026, pageToApply } from '../harness/mail-fixtures.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The full-text index of migration 0005 against a real encrypted store: batches and checkpoint,
// deletes through the triggers, order, snippets, accents and prefixes, paging, live messages only.

const dirs: ReturnType<typeof makeTempDir>[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

type Opened = { store: Store; reopen(migrations?: readonly Migration[]): Store };

function openStore(migrations: readonly Migration[] = MIGRATIONS): Opened {
  const dir = makeTempDir();
  dirs.push(dir);
  const path = join(dir.path, 'clientele.db');
  const keys = { databaseKey: randomBytes(32), fieldKey: randomBytes(32) };
  return {
    store: Store.open(path, keys, { create: true, migrations }),
    reopen: (later = MIGRATIONS) => Store.open(path, keys, { create: false, migrations: later }),
  };
}

function addAccount(store: Store, id: string): number {
  store.accounts.insert({
    id,
    kind: 'imap',
    email: `${id}@x.test`,
    displayName: id,
    config: {},
    createdAt: '2026-01-01T00:00:00Z',
  });
  return store.mail.upsertFolders(id, [{ path: 'INBOX', name: 'Inbox', role: 'inbox' }], () => true)[0]!.id;
}

type Spec = { subject?: string; text?: string; from?: Address[]; to?: Address[]; minute?: number; date?: string };

function message(n: number, spec: Spec = {}): IncomingMessage {
  return incomingMessage(n, {
    subjectKey: `s${n}`,
    subject: spec.subject ?? `Message ${n}`,
    date: spec.date ?? minuteOf2026(spec.minute ?? n),
    from: spec.from ?? [{ name: 'Carol Client', address: 'carol@acme.test' }],
    to: spec.to ?? [],
    text: spec.text ?? `Body number ${n}`,
  });
}

function apply(store: Store, accountId: string, folderId: number, patch: Partial<PageToApply>): void {
  store.mail.applyPage(pageToApply(accountId, folderId, patch));
}

function indexAll(store: Store): void {
  while (store.search.indexBatch(7) > 0);
}

function ids(store: Store, query: string, order: SearchOrder = 'newest', accountId?: string): number[] {
  return searchMessages(store.search, { query, order, limit: 100, accountId }).hits.map((hit) => hit.messageId);
}

/** The index holds exactly the tokens of the messages it should (see searchIndexInstances). */
function expectIndexIntact(store: Store): void {
  const { actual, expected } = searchIndexInstances(store.db);
  expect(actual).toEqual(expected);
}

const indexedCount = (store: Store): number =>
  store.db.prepare('SELECT count(*) FROM message_search_docsize').pluck().get() as number;

describe('search index', () => {
  it('upgrades a store indexed by message id (0005): the index is rebuilt keyed by date', () => {
    const before = MIGRATIONS.findIndex((migration) => migration.name === 'search by date');
    const opened = openStore(MIGRATIONS.slice(0, before));
    const folder = addAccount(opened.store, 'a');
    apply(opened.store, 'a', folder, { upserts: [message(1, { text: 'legacy mail' }), message(2)] });
    // Indexed as 0005's indexer did: rowid = message id, checkpoint at the last id.
    opened.store.db.exec(`
      INSERT INTO message_search (rowid, subject, body, participants)
      SELECT id, subject, body, participants FROM message_search_source;
      UPDATE search_state SET indexed_through = (SELECT max(id) FROM messages);
    `);
    opened.store.close();
    const store = opened.reopen();
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    expect(indexingFigure(store.search.progress())).toMatchObject({ done: false, pending: 2 });
    indexAll(store);
    expect(ids(store, 'legacy')).toEqual([1]);
    expectIndexIntact(store);
    store.close();
  });

  it('indexes in batches from a checkpoint that survives a restart, and only once', () => {
    const opened = openStore();
    let store = opened.store;
    const folder = addAccount(store, 'a');
    apply(store, 'a', folder, { upserts: Array.from({ length: 30 }, (_, i) => message(i + 1)) });
    expect(ids(store, 'body')).toEqual([]);
    expect(indexingFigure(store.search.progress())).toEqual({ done: false, progress: 0, pending: 30 });

    expect(store.search.indexBatch(10)).toBe(10);
    expect(indexingFigure(store.search.progress()).progress).toBeCloseTo(1 / 3);
    store.close();
    store = opened.reopen();
    expect(ids(store, 'body')).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    indexAll(store);
    expect(ids(store, 'body')).toHaveLength(30);
    expect(store.search.indexBatch(100)).toBe(0);
    expect(indexedCount(store)).toBe(30);
    expect(indexingFigure(store.search.progress())).toEqual({ done: true, progress: 1, pending: 0 });
    expectIndexIntact(store);

    // New mail after a full index is picked up by the next batch.
    apply(store, 'a', folder, { upserts: [message(31, { text: 'fresh news' })] });
    expect(ids(store, 'fresh')).toEqual([]);
    expect(store.search.indexBatch(50)).toBe(1);
    expect(ids(store, 'fresh')).toEqual([31]);
    store.close();
  });

  it('drops messages collected as orphans and those of a removed account', () => {
    const { store } = openStore();
    const a = addAccount(store, 'a');
    const b = addAccount(store, 'b');
    apply(store, 'a', a, { upserts: [message(1, { text: 'kiwi one' }), message(2, { text: 'kiwi two' })] });
    apply(store, 'b', b, { upserts: [message(3, { text: 'kiwi three' })] });
    indexAll(store);
    // Not yet indexed when deleted: nothing to remove from the index, and nothing breaks.
    apply(store, 'a', a, { upserts: [message(4, { text: 'kiwi four' })] });
    expect(ids(store, 'kiwi')).toEqual([3, 2, 1]);

    apply(store, 'a', a, { deletes: ['1', '4'] });
    // Expunged but not yet collected: no longer live, so not found.
    expect(ids(store, 'kiwi')).toEqual([3, 2]);
    expect(store.mail.collectOrphans('a')).toBe(2);
    expect(indexedCount(store)).toBe(2);
    expectIndexIntact(store);

    expect(store.accounts.delete('b')).toBe(true);
    expect(ids(store, 'kiwi')).toEqual([2]);
    expect(indexedCount(store)).toBe(1);
    expectIndexIntact(store);
    indexAll(store);
    expectIndexIntact(store);
    store.close();
  });

  it('indexes a message that re-uses the id of a deleted one below the checkpoint', () => {
    const { store } = openStore();
    const a = addAccount(store, 'a');
    apply(store, 'a', a, { upserts: [message(1, { text: 'apple' }), message(2, { text: 'banana' })] });
    indexAll(store);
    apply(store, 'a', a, { deletes: ['2'] });
    store.mail.collectOrphans('a');
    apply(store, 'a', a, { upserts: [message(5, { text: 'cherry' })] });
    const reused = store.db.prepare("SELECT id FROM messages WHERE identity = 'id-5'").pluck().get();
    expect(reused).toBe(2);
    expect(ids(store, 'banana')).toEqual([]);
    expect(store.search.indexBatch(10)).toBe(1);
    expect(ids(store, 'cherry')).toEqual([2]);
    expectIndexIntact(store);
    // Deleted again before or after indexing: the index follows.
    apply(store, 'a', a, { deletes: ['5'] });
    store.mail.collectOrphans('a');
    expect(indexedCount(store)).toBe(1);
    expectIndexIntact(store);
    store.close();
  });

  it('orders newest first by default, by relevance on request, and filters by account', () => {
    const { store } = openStore();
    const a = addAccount(store, 'a');
    const b = addAccount(store, 'b');
    apply(store, 'a', a, {
      upserts: [
        message(1, { subject: 'Renewal renewal', text: 'renewal of the contract renewal', minute: 1 }),
        message(2, {
          subject: 'Lunch',
          text: 'a long note that mentions the renewal once among many other words',
          minute: 50,
        }),
      ],
    });
    apply(store, 'b', b, { upserts: [message(3, { subject: 'Hello', text: 'renewal too', minute: 30 })] });
    indexAll(store);
    expect(ids(store, 'renewal')).toEqual([2, 3, 1]);
    expect(ids(store, 'renewal', 'ranked')[0]).toBe(1);
    expect(ids(store, 'renewal', 'newest', 'b')).toEqual([3]);
    expect(ids(store, 'renewal', 'ranked', 'a').sort()).toEqual([1, 2]);
    store.close();
  });

  it('orders newest first by date, not sync order, keeping same-second and bogus dates in one page order', () => {
    const { store } = openStore();
    const a = addAccount(store, 'a');
    // Synced newest first (ids grow as dates fall), then later mail; two in one second; one date before 1970, one bogus.
    apply(store, 'a', a, {
      upserts: [
        message(1, { text: 'quarterly', minute: 500 }),
        message(2, { text: 'quarterly', minute: 400 }),
        message(3, { text: 'quarterly', minute: 400 }),
        message(4, { text: 'quarterly', minute: 10 }),
        message(5, { text: 'quarterly', date: '9999-12-31T23:59:59.000Z' }),
        message(6, { text: 'quarterly', date: '1969-07-20T20:17:00.000Z' }),
        message(7, { text: 'quarterly', minute: 900 }),
      ],
    });
    indexAll(store);
    const all = ids(store, 'quarterly');
    expect(all).toEqual([5, 7, 1, 3, 2, 4, 6]);
    // One hit per page through the cursor: the same order, nothing repeated or skipped.
    const paged: number[] = [];
    let cursor: string | undefined;
    do {
      const page = searchMessages(store.search, { query: 'quarterly', order: 'newest', limit: 1, cursor });
      paged.push(...page.hits.map((hit) => hit.messageId));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all);
    expectIndexIntact(store);
    store.close();
  });

  it('ranks the newest matches of a query that matches more than the ranked window, and says so', () => {
    const { store } = openStore();
    const a = addAccount(store, 'a');
    apply(store, 'a', a, {
      upserts: [
        message(1, { subject: 'pricing pricing pricing', text: 'pricing', minute: 1 }),
        message(2, { text: 'pricing', minute: 2 }),
        message(3, { text: 'pricing', minute: 3 }),
        message(4, { subject: 'other', text: 'nothing', minute: 4 }),
      ],
    });
    indexAll(store);
    const windowed = new SearchRepository(store.db, 2);
    const ranked = searchMessages(windowed, { query: 'pricing', order: 'ranked', limit: 10 });
    expect(ranked.rankedAmongNewest).toBe(2);
    expect(ranked.hits.map((hit) => hit.messageId).sort()).toEqual([2, 3]);
    const newest = searchMessages(windowed, { query: 'pricing', order: 'newest', limit: 10 });
    expect(newest.rankedAmongNewest).toBeUndefined();
    expect(newest.hits.map((hit) => hit.messageId)).toEqual([3, 2, 1]);
    // Within the window the ranking is exact: the subject match wins once it is in the window.
    const exact = searchMessages(new SearchRepository(store.db, 3), { query: 'pricing', order: 'ranked', limit: 10 });
    expect(exact.rankedAmongNewest).toBeUndefined();
    expect(exact.hits[0]!.messageId).toBe(1);
    store.close();
  });

  it('finds by participant name and address, without accents, by prefix', () => {
    const { store } = openStore();
    const a = addAccount(store, 'a');
    apply(store, 'a', a, {
      upserts: [
        message(1, { from: [{ name: 'Zoë Ångström', address: 'zoe@fjord.test' }], text: 'Café crème déjà vu' }),
        message(2, { to: [{ name: '', address: 'ops@acme.test' }], text: 'nothing' }),
      ],
    });
    indexAll(store);
    expect(ids(store, 'angstrom')).toEqual([1]);
    expect(ids(store, 'ZOE')).toEqual([1]);
    expect(ids(store, 'zoe@fjord.test')).toEqual([1]);
    expect(ids(store, 'ops@acme')).toEqual([2]);
    expect(ids(store, 'creme deja')).toEqual([1]);
    expect(ids(store, 'caf')).toEqual([1]);
    expect(ids(store, 'caf ')).toEqual([]);
    expect(ids(store, 'cafe vu')).toEqual([1]);
    expect(ids(store, 'NEAR("cafe" OR')).toEqual([]);
    expect(ids(store, '')).toEqual([]);
    store.close();
  });

  it('matches only the columns a restricted reader may read, in both orders', () => {
    const { store } = openStore();
    const a = addAccount(store, 'a');
    apply(store, 'a', a, {
      upserts: [
        message(1, {
          subject: 'Renewal terms',
          text: 'Discount of forty percent',
          from: [{ name: 'Ann', address: 'ann@acme.test' }],
        }),
        message(2, {
          subject: 'Discount request',
          text: 'See attached',
          from: [{ name: 'Bob', address: 'bob@acme.test' }],
        }),
      ],
    });
    indexAll(store);
    const find = (query: string, visibility: EmailVisibility, order: SearchOrder): number[] =>
      searchMessages(store.search, { query, order, limit: 10, columns: searchColumnsFor(visibility) }).hits.map(
        (hit) => hit.messageId,
      );
    for (const order of ['newest', 'ranked'] as const) {
      expect(find('discount', 'full', order).sort()).toEqual([1, 2]);
      expect(find('discount', 'subject', order)).toEqual([2]);
      expect(find('forty', 'subject', order)).toEqual([]);
      expect(find('discount', 'metadata', order)).toEqual([]);
      expect(find('ann@acme.test', 'metadata', order)).toEqual([1]);
    }
    store.close();
  });

  it('returns snippets as text segments, HTML in the mail staying text', () => {
    const { store } = openStore();
    const a = addAccount(store, 'a');
    const filler = 'lorem ipsum '.repeat(40);
    apply(store, 'a', a, {
      upserts: [message(1, { text: `${filler} the <b>quarterly</b> plan <script>x()</script> ${filler}` })],
    });
    indexAll(store);
    const [hit] = searchMessages(store.search, { query: 'quarterly plan', order: 'newest', limit: 10 }).hits;
    expect(hit?.from).toEqual({ name: 'Carol Client', address: 'carol@acme.test' });
    const segments = hit?.snippet ?? [];
    expect(segments.filter((s) => s.match).map((s) => s.text)).toEqual(['quarterly', 'plan']);
    const text = segments.map((s) => s.text).join('');
    expect(text).toContain('<b>quarterly</b> plan <script>');
    expect(text.length).toBeLessThan(400);
    expect(text).not.toMatch(/[\uE000\uE001]/u);
    store.close();
  });

  it("gives each hit its own message's snippet, in both orders and for a prefix", () => {
    // Regression: the snippet was read with a second MATCH bound to `rowid = ?` as a JS number, which
    // better-sqlite3 binds as REAL and FTS5 ignores, so every hit showed the first match's passage.
    const { store } = openStore();
    const a = addAccount(store, 'a');
    apply(store, 'a', a, {
      upserts: [1, 2, 3, 4].map((n) => message(n, { text: `renewal terms for customer number${n} only`, minute: n })),
    });
    indexAll(store);
    for (const [query, order] of [
      ['renewal', 'newest'],
      ['renewal', 'ranked'],
      ['renewa', 'newest'],
      ['renewa', 'ranked'],
    ] as const) {
      const hits = searchMessages(store.search, { query, order, limit: 10 }).hits;
      expect(hits).toHaveLength(4);
      for (const hit of hits) {
        expect(hit.snippet.map((segment) => segment.text).join('')).toContain(`number${hit.messageId} `);
      }
    }
    store.close();
  });

  it('pages with a cursor in both orders without repeating or skipping a hit', () => {
    const { store } = openStore();
    const a = addAccount(store, 'a');
    // Two pairs share a date: the cursor must break ties by id.
    const minutes = [5, 5, 4, 3, 3, 2, 1];
    apply(store, 'a', a, { upserts: minutes.map((minute, i) => message(i + 1, { text: 'page me', minute })) });
    indexAll(store);
    for (const order of ['newest', 'ranked'] as const) {
      const seen: number[] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 10; guard += 1) {
        const page = searchMessages(store.search, { query: 'page', order, limit: 3, cursor });
        seen.push(...page.hits.map((hit) => hit.messageId));
        if (!page.next) break;
        cursor = page.next;
      }
      expect(seen.slice().sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
      if (order === 'newest') expect(seen).toEqual([2, 1, 3, 5, 4, 6, 7]);
    }
    expect(() => searchMessages(store.search, { query: 'page', order: 'newest', limit: 3, cursor: 'garbage' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
    store.close();
  });
});
