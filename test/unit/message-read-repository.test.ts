import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { decodeMessageCursor, encodeMessageCursor } from '../../common/domain/messages.js';
import type { IncomingMessage } from '../../main/store/repositories/mail-repository.js';
import { PAGE_OF_ACCOUNT_SQL, type MessageKey } from '../../main/store/repositories/message-read-repository.js';
import { Store } from '../../main/store/store.js';
import { incomingMessage, minuteOf2026, pageToApply } from '../harness/mail-fixtures.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The timeline's reads (mail.list, mail.get): live messages only, newest first by (date, id),
// keyset pages that neither skip nor repeat a row (ties on date included), across accounts.

const dirs: ReturnType<typeof makeTempDir>[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function openStore(): Store {
  const dir = makeTempDir();
  dirs.push(dir);
  const keys = { databaseKey: randomBytes(32), fieldKey: randomBytes(32) };
  return Store.open(join(dir.path, 'clientele.db'), keys, { create: true });
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
  const [inbox] = store.mail.upsertFolders(id, [{ path: 'INBOX', name: 'INBOX', role: 'inbox' }], () => true);
  return inbox!.id;
}

/** Message n of an account; `minute` sets its date (several share one to test ties). */
function message(n: number, minute: number, patch: Partial<IncomingMessage> = {}): IncomingMessage {
  return incomingMessage(n, {
    date: minuteOf2026(minute),
    from: [{ name: 'Carol', address: 'carol@acme.test' }],
    to: [{ name: '', address: 'alice@x.test' }],
    ...patch,
  });
}

const page = pageToApply;

/** Every page of the filter, following the cursor the way mail.list hands it out. */
function walk(store: Store, filter: { accountId?: string; threadId?: number }, limit: number): number[][] {
  const pages: number[][] = [];
  let after: MessageKey | null = null;
  for (;;) {
    const items = store.messages.page(filter, after, limit);
    pages.push(items.map((item) => item.id));
    const last = items.at(-1);
    if (items.length < limit || !last) return pages;
    after = decodeMessageCursor(encodeMessageCursor(last.date, last.id));
  }
}

describe('the message read repository', () => {
  it('pages live messages newest first without gaps or repeats, ties on date included', () => {
    const store = openStore();
    const a = addAccount(store, 'a');
    const b = addAccount(store, 'b');
    // 25 messages in a, 15 in b; every date is shared by three messages (ties across accounts too).
    store.mail.applyPage(
      page('a', a, { upserts: Array.from({ length: 25 }, (_, i) => message(i, Math.floor(i / 3))) }),
    );
    store.mail.applyPage(
      page('b', b, { upserts: Array.from({ length: 15 }, (_, i) => message(100 + i, Math.floor(i / 3))) }),
    );
    // Expunged: no longer live, never listed.
    store.mail.applyPage(page('a', a, { deletes: ['4', '5'] }));

    const all = store.messages.page({}, null, 1000);
    expect(all).toHaveLength(38);
    for (let i = 1; i < all.length; i++) {
      const [newer, older] = [all[i - 1]!, all[i]!];
      expect(newer.date > older.date || (newer.date === older.date && newer.id > older.id)).toBe(true);
    }
    for (const limit of [1, 4, 7, 38, 50]) {
      const pages = walk(store, {}, limit);
      expect(pages.flat(), `limit ${limit}`).toEqual(all.map((item) => item.id));
    }
    const ofA = walk(store, { accountId: 'a' }, 6).flat();
    expect(ofA).toHaveLength(23);
    expect(store.messages.count({ accountId: 'a' })).toBe(23);
    expect(store.messages.count({})).toBe(38);
    expect(store.messages.page({ accountId: 'nobody' }, null, 10)).toEqual([]);
  });

  it('summarizes flags, sender and attachments, and returns one message with its bodies', () => {
    const store = openStore();
    const a = addAccount(store, 'a');
    store.mail.applyPage(
      page('a', a, {
        upserts: [
          message(1, 1, { flags: ['\\Seen', '\\Flagged'], html: '<p onclick="x()">Hi</p>' }),
          message(2, 2, {
            from: [],
            attachments: [
              {
                partId: '2',
                filename: 'q.pdf',
                contentType: 'application/pdf',
                size: 10,
                inline: false,
                contentId: null,
              },
            ],
          }),
        ],
      }),
    );
    const [second, first] = store.messages.page({}, null, 10);
    expect(second).toMatchObject({ subject: 'Subject 2', from: null, hasAttachments: true });
    expect(second!.flags).toEqual({ seen: false, flagged: false, answered: false });
    expect(first).toMatchObject({ from: { name: 'Carol', address: 'carol@acme.test' }, hasAttachments: false });
    expect(first!.flags).toEqual({ seen: true, flagged: true, answered: false });
    expect(Object.keys(first!)).not.toContain('html');

    const detail = store.messages.get(first!.id);
    // The HTML as stored: the renderer sanitizes it, the store never does.
    expect(detail).toMatchObject({
      text: 'Body 1',
      html: '<p onclick="x()">Hi</p>',
      to: [{ address: 'alice@x.test' }],
    });
    expect(store.messages.get(second!.id)?.attachments).toHaveLength(1);
    store.mail.applyPage(page('a', a, { deletes: ['1'] }));
    expect(store.messages.get(first!.id)).toBeNull();
    expect(store.messages.get(999)).toBeNull();
  });

  it("says whether the user allows remote images from the message's sender, any letter case", () => {
    const store = openStore();
    const inbox = addAccount(store, 'a');
    store.mail.applyPage(
      page('a', inbox, {
        upserts: [
          message(1, 1, { from: [{ name: 'News', address: 'News@Shop.test' }] }),
          message(2, 2, { from: [{ name: 'Other', address: 'other@shop.test' }] }),
        ],
      }),
    );
    const [first, second] = store.messages.page({}, null, 10).sort((a, b) => a.id - b.id);
    expect(store.messages.get(first!.id)?.imagesAllowed).toBe(false);
    expect(store.imageSenders.set('NEWS@shop.test', true)).toBe(true);
    expect(store.messages.get(first!.id)?.imagesAllowed).toBe(true);
    expect(store.messages.get(second!.id)?.imagesAllowed).toBe(false);
    // Allowing twice is one choice; blocking again forgets it.
    store.imageSenders.set('news@shop.test', true);
    expect(store.db.prepare('SELECT count(*) FROM image_senders').pluck().get()).toBe(1);
    expect(store.imageSenders.set('news@shop.test', false)).toBe(false);
    expect(store.messages.get(first!.id)?.imagesAllowed).toBe(false);
    expect(store.imageSenders.set('   ', true)).toBe(false);
    store.close();
  });

  it('lists one thread', () => {
    const store = openStore();
    const a = addAccount(store, 'a');
    store.mail.applyPage(
      page('a', a, {
        upserts: [
          message(1, 1, { subjectKey: 'deal' }),
          message(2, 2, { subjectKey: 'deal', inReplyTo: 'm1@x.test', references: ['m1@x.test'] }),
          message(3, 3, { subjectKey: 'other' }),
        ],
      }),
    );
    const threadId = store.messages.get(store.messages.page({}, null, 10).at(-1)!.id)!.threadId;
    const thread = store.messages.page({ threadId }, null, 10);
    expect(thread.map((item) => item.subject)).toEqual(['Subject 2', 'Subject 1']);
    expect(store.messages.count({ threadId })).toBe(2);
  });

  it('seeks the date index to the cursor instead of scanning from the newest message', () => {
    const store = openStore();
    const plan = store.db
      .prepare(`EXPLAIN QUERY PLAN ${PAGE_OF_ACCOUNT_SQL}`)
      .all({ account: 'a', date: '2026', id: 1, limit: 10 }) as { detail: string }[];
    const details = plan.map((row) => row.detail).join('\n');
    expect(details).toMatch(/SEARCH m USING INDEX messages_by_date \(account_id=\? AND date<\?\)/);
    expect(details).not.toMatch(/SCAN m\b/);
  });

  it('refuses a cursor it did not make', () => {
    expect(decodeMessageCursor('garbage')).toBeNull();
    expect(decodeMessageCursor('0:2026')).toBeNull();
    expect(decodeMessageCursor(encodeMessageCursor('2026-01-01T00:00:00.000Z', 42))).toEqual({
      date: '2026-01-01T00:00:00.000Z',
      id: 42,
    });
  });
});
