import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { RecordRef, TimelineItem } from '../../common/domain/timeline.js';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import type { IncomingMessage } from '../../main/store/repositories/mail-repository.js';
import { Store } from '../../main/store/store.js';
import { incomingMessage, minuteOf2026, pageToApply } from '../harness/mail-fixtures.js';
import { makeTempDir } from '../harness/temp-dir.js';

// A record's timeline: threads, notes, tasks and stage changes merged newest first, cut into
// keyset pages without loss or repeat even when many items share a time; notes and tasks belong
// to exactly one record and go when it goes.

const dirs: ReturnType<typeof makeTempDir>[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function openStore(): Store {
  const dir = makeTempDir();
  dirs.push(dir);
  const keys = { databaseKey: randomBytes(32), fieldKey: randomBytes(32) };
  const store = Store.open(join(dir.path, 'clientele.db'), keys, { create: true, migrations: MIGRATIONS });
  store.accounts.insert({
    id: 'a',
    kind: 'imap',
    email: 'me@mycorp.test',
    displayName: 'Me',
    config: {},
    createdAt: '2026-01-01T00:00:00Z',
  });
  store.mail.upsertFolders('a', [{ path: 'INBOX', name: 'INBOX', role: 'inbox' }], () => true);
  return store;
}

const inboxId = (store: Store) =>
  store.db.prepare<[], { id: number }>(`SELECT id FROM folders WHERE path = 'INBOX'`).get()!.id;

/** Syncs the messages into the Inbox and links each to the contacts given for it. */
function deliver(store: Store, messages: { message: IncomingMessage; contacts: number[] }[]): void {
  store.mail.applyPage(pageToApply('a', inboxId(store), { upserts: messages.map((m) => m.message) }));
  const link = store.db.prepare(
    `INSERT OR IGNORE INTO message_contacts (message_id, contact_id, role)
     SELECT id, ?, 'from' FROM messages WHERE identity = ?`,
  );
  store.db.transaction(() => {
    for (const { message, contacts } of messages) for (const contact of contacts) link.run(contact, message.identity);
  })();
}

function addContact(store: Store, name: string, companyId?: number): number {
  const id = Number(
    store.db
      .prepare(
        `INSERT INTO contacts (name, source, created_at, updated_at) VALUES (?, 'manual', '2026-01-01', '2026-01-01')`,
      )
      .run(name).lastInsertRowid,
  );
  if (companyId !== undefined) {
    store.db.prepare('INSERT INTO contact_companies (contact_id, company_id) VALUES (?, ?)').run(id, companyId);
  }
  return id;
}

function addCompany(store: Store, domain: string): number {
  return Number(
    store.db
      .prepare(
        `INSERT INTO companies (domain, name, source, created_at, updated_at) VALUES (?, ?, 'manual', '2026-01-01', '2026-01-01')`,
      )
      .run(domain, domain).lastInsertRowid,
  );
}

/** Every item of a record's timeline, walked page by page. */
function walk(store: Store, record: RecordRef, limit: number): TimelineItem[] {
  const items: TimelineItem[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = store.timeline.page(record, cursor, limit);
    items.push(...page.items);
    if (!page.next) return items;
    cursor = page.next;
  }
  throw new Error('the timeline never ended');
}

const describeItem = (item: TimelineItem): string => {
  switch (item.kind) {
    case 'thread':
      return `thread ${item.subject} x${item.messages} from ${item.latest.from.address}`;
    case 'note':
      return `note ${item.body}`;
    case 'task':
      return `task ${item.title}`;
    case 'stage':
      return `stage ${item.dealName} ${item.fromStage ?? '-'}>${item.toStage}`;
  }
};

describe('the record timeline', () => {
  it("merges a contact's threads, notes, tasks and deal stage changes, newest first", () => {
    const store = openStore();
    const ann = addContact(store, 'Ann');
    const other = addContact(store, 'Other');
    const from = (address: string) => [{ name: '', address }];
    deliver(store, [
      {
        message: incomingMessage(1, { subjectKey: 'pricing', subject: 'Pricing', from: from('ann@acme.test') }),
        contacts: [ann],
      },
      {
        message: incomingMessage(2, {
          subjectKey: 'pricing',
          subject: 'Re: Pricing',
          from: from('me@mycorp.test'),
          direction: 'sent',
          references: ['m1@x.test'],
          inReplyTo: 'm1@x.test',
        }),
        contacts: [ann],
      },
      {
        message: incomingMessage(5, { subjectKey: 'demo', subject: 'Demo', from: from('ann@acme.test') }),
        contacts: [ann],
      },
      // Someone else's mail never shows on Ann's timeline.
      { message: incomingMessage(7, { subjectKey: 'other', subject: 'Other' }), contacts: [other] },
    ]);
    store.notes.create({ type: 'contact', id: ann }, 'met at the fair', 'Me', minuteOf2026(3));
    store.tasks.create({ type: 'contact', id: ann }, 'send deck', null, minuteOf2026(4));
    store.notes.create({ type: 'contact', id: other }, 'not Ann', 'Me', minuteOf2026(4));
    const deal = store.deals.create(
      { name: 'Big', amountMinor: 1, currency: 'EUR', contactIds: [ann] },
      minuteOf2026(0),
    );
    const won = store.deals.listPipelines()[0]!.stages.find((s) => s.name === 'Won')!;
    store.deals.move({ id: deal.id, stageId: won.id }, minuteOf2026(6));

    const items = walk(store, { type: 'contact', id: ann }, 50);
    expect(items.map(describeItem)).toEqual([
      'stage Big Lead>Won',
      'thread Demo x1 from ann@acme.test',
      'task send deck',
      'note met at the fair',
      'thread Re: Pricing x2 from me@mycorp.test',
      'stage Big ->Lead',
    ]);
    expect(items.map((item) => item.at)).toEqual([6, 5, 4, 3, 2, 0].map(minuteOf2026));
    const pricing = items[4]!;
    expect(pricing).toMatchObject({ kind: 'thread', latest: { direction: 'sent', date: minuteOf2026(2) } });
  });

  it("shows a company's people's threads and its own notes, and a deal's contacts' threads", () => {
    const store = openStore();
    const acme = addCompany(store, 'acme.test');
    const ann = addContact(store, 'Ann', acme);
    const bob = addContact(store, 'Bob', acme);
    const carol = addContact(store, 'Carol');
    deliver(store, [
      { message: incomingMessage(1, { subjectKey: 'a' }), contacts: [ann] },
      // A message with two of the company's people is one thread item, counted once.
      { message: incomingMessage(2, { subjectKey: 'b' }), contacts: [ann, bob] },
      { message: incomingMessage(3, { subjectKey: 'c' }), contacts: [carol] },
    ]);
    store.notes.create({ type: 'company', id: acme }, 'renewal in May', null, minuteOf2026(9));
    const company = walk(store, { type: 'company', id: acme }, 50);
    expect(company.map(describeItem)).toEqual([
      'note renewal in May',
      'thread Subject 2 x1 from ',
      'thread Subject 1 x1 from ',
    ]);
    // The company's note is not on its people's timelines.
    expect(walk(store, { type: 'contact', id: ann }, 50).map((i) => i.kind)).toEqual(['thread', 'thread']);

    const deal = store.deals.create(
      { name: 'D', amountMinor: 1, currency: 'EUR', contactIds: [carol] },
      minuteOf2026(10),
    );
    store.tasks.create({ type: 'deal', id: deal.id }, 'follow up', null, minuteOf2026(11));
    expect(walk(store, { type: 'deal', id: deal.id }, 50).map(describeItem)).toEqual([
      'task follow up',
      'stage D ->Lead',
      'thread Subject 3 x1 from ',
    ]);
  });

  it('leaves out mail no folder holds any more', () => {
    const store = openStore();
    const ann = addContact(store, 'Ann');
    deliver(store, [
      { message: incomingMessage(1, { subjectKey: 'kept' }), contacts: [ann] },
      { message: incomingMessage(2, { subjectKey: 'gone' }), contacts: [ann] },
    ]);
    store.mail.applyPage(pageToApply('a', inboxId(store), { deletes: ['2'] }));
    expect(walk(store, { type: 'contact', id: ann }, 50).map(describeItem)).toEqual(['thread Subject 1 x1 from ']);
  });

  it('pages through items that share a time without losing or repeating one', () => {
    const store = openStore();
    const ann = addContact(store, 'Ann');
    const sameTime = minuteOf2026(100);
    deliver(
      store,
      Array.from({ length: 7 }, (_, i) => ({
        message: incomingMessage(200 + i, { subjectKey: `t${i}`, date: sameTime }),
        contacts: [ann],
      })),
    );
    for (let i = 0; i < 6; i++) store.notes.create({ type: 'contact', id: ann }, `n${i}`, null, sameTime);
    for (let i = 0; i < 5; i++) store.tasks.create({ type: 'contact', id: ann }, `t${i}`, null, sameTime);
    store.notes.create({ type: 'contact', id: ann }, 'older', null, minuteOf2026(50));
    store.notes.create({ type: 'contact', id: ann }, 'newer', null, minuteOf2026(150));

    const whole = walk(store, { type: 'contact', id: ann }, 200);
    expect(whole).toHaveLength(20);
    expect(whole[0]).toMatchObject({ kind: 'note', body: 'newer' });
    expect(whole[19]).toMatchObject({ kind: 'note', body: 'older' });
    const keys = whole.map((item) => item.key);
    expect(new Set(keys).size).toBe(20);
    // Ties are ordered by key, descending: the order the cursor relies on.
    const tied = whole.slice(1, 19);
    expect(tied.map((i) => i.key)).toEqual([...tied.map((i) => i.key)].sort().reverse());
    for (const limit of [1, 3, 4, 7]) {
      expect(walk(store, { type: 'contact', id: ann }, limit).map((item) => item.key)).toEqual(keys);
    }
    // A cursor that is not ours starts from the top rather than failing.
    expect(store.timeline.page({ type: 'contact', id: ann }, 'garbage', 2).items.map((i) => i.key)).toEqual(
      keys.slice(0, 2),
    );
  });

  it('reads a page through indexes, never the mail itself (EXPLAIN QUERY PLAN), for each kind of record', () => {
    const store = openStore();
    for (const type of ['contact', 'company', 'deal'] as const) {
      const plan = store.timeline.plan(type);
      const text = plan.join('\n');
      // Every part seeks to the cursor through its index, and the only scans are of the query's
      // own (page-sized) subqueries, never of a table.
      expect(
        plan.filter((line) => line.startsWith('SCAN ') && !/^SCAN (\(subquery-\d+\)|CONSTANT ROW)$/.test(line)),
        text,
      ).toEqual([]);
      // Threads come from contact_threads; the messages are not grouped per page.
      expect(text).not.toMatch(/\bmessages\b|message_contacts|\b(m|mc) USING/);
      const own = { contact: 'contact_id', company: 'company_id', deal: 'deal_id' }[type];
      expect(plan).toContain(`SEARCH notes USING COVERING INDEX notes_by_${type} (${own}=? AND created_at<?)`);
      expect(plan).toContain(`SEARCH tasks USING COVERING INDEX tasks_by_${type} (${own}=? AND created_at<?)`);
    }
    const contact = store.timeline.plan('contact');
    expect(contact).toContain('SEARCH ct USING INDEX contact_threads_by_time (contact_id=? AND last_at<?)');
  });
});

describe('contact_threads (the per-contact thread summary the timeline reads)', () => {
  /** contact_threads as it should be, worked out from scratch. */
  const expected = (store: Store) =>
    store.db
      .prepare(
        `SELECT mc.contact_id, m.thread_id, max(m.date) AS last_at, count(DISTINCT m.id) AS messages
         FROM message_contacts mc JOIN messages m ON m.id = mc.message_id
         WHERE EXISTS (SELECT 1 FROM message_locations l WHERE l.message = m.id)
         GROUP BY mc.contact_id, m.thread_id ORDER BY 1, 2`,
      )
      .all();
  const actual = (store: Store) =>
    store.db.prepare('SELECT contact_id, thread_id, last_at, messages FROM contact_threads ORDER BY 1, 2').all();
  const latestIsRight = (store: Store) =>
    store.db
      .prepare<[], { n: number }>(
        `SELECT count(*) AS n FROM contact_threads ct JOIN messages m ON m.id = ct.latest_message_id
         WHERE m.thread_id <> ct.thread_id OR m.date <> ct.last_at`,
      )
      .get()!.n === 0;

  it('stays exact through linking, unlinking, re-pointing, threading, folder and message deletes', () => {
    const store = openStore();
    const ann = addContact(store, 'Ann');
    const bob = addContact(store, 'Bob');
    const check = (step: string) => {
      expect(actual(store), step).toEqual(expected(store));
      expect(latestIsRight(store), step).toBe(true);
    };
    // Newest first: the reply (2) arrives before the message it answers (1), in a thread of its own
    // until the parent comes and the two threads are joined.
    deliver(store, [
      {
        message: incomingMessage(2, { subjectKey: 'x', references: ['m1@x.test'], inReplyTo: 'm1@x.test' }),
        contacts: [ann],
      },
      { message: incomingMessage(5, { subjectKey: 'y' }), contacts: [ann, bob] },
    ]);
    check('first page');
    // The same person in another role of the same message is not another message.
    store.db
      .prepare(
        `INSERT INTO message_contacts (message_id, contact_id, role) SELECT id, ?, 'cc' FROM messages WHERE identity = 'id-5'`,
      )
      .run(ann);
    check('second role');
    deliver(store, [{ message: incomingMessage(1, { subjectKey: 'x' }), contacts: [ann, bob] }]);
    check('parent joined its reply');
    expect(walk(store, { type: 'contact', id: ann }, 50).filter((i) => i.kind === 'thread')).toHaveLength(2);
    // A merge re-points links from one contact to another.
    store.db.prepare('UPDATE OR IGNORE message_contacts SET contact_id = ? WHERE contact_id = ?').run(ann, bob);
    store.db.prepare('DELETE FROM message_contacts WHERE contact_id = ?').run(bob);
    check('merged');
    // The message leaves its last folder, then comes back.
    store.mail.applyPage(pageToApply('a', inboxId(store), { deletes: ['2'] }));
    check('expunged');
    deliver(store, [{ message: incomingMessage(2, { subjectKey: 'x' }), contacts: [ann] }]);
    check('back');
    // A message deleted outright, then a contact.
    store.db.prepare(`DELETE FROM messages WHERE identity = 'id-5'`).run();
    check('message deleted');
    store.db.prepare('DELETE FROM contacts WHERE id = ?').run(ann);
    check('contact deleted');
    expect(actual(store)).toEqual([]);
  });
});

describe('notes and tasks', () => {
  it('belong to exactly one record (CHECK) and go with it (cascade)', () => {
    const store = openStore();
    const acme = addCompany(store, 'acme.test');
    const ann = addContact(store, 'Ann', acme);
    const insert = (contact: number | null, company: number | null) => () =>
      store.db
        .prepare(
          `INSERT INTO notes (contact_id, company_id, deal_id, body, created_at, updated_at) VALUES (?, ?, NULL, 'x', 'now', 'now')`,
        )
        .run(contact, company);
    expect(insert(ann, acme)).toThrow(/CHECK constraint failed/);
    expect(insert(null, null)).toThrow(/CHECK constraint failed/);
    expect(() =>
      store.db
        .prepare(
          `INSERT INTO tasks (contact_id, company_id, deal_id, title, created_at, updated_at) VALUES (?, ?, NULL, 'x', 'now', 'now')`,
        )
        .run(ann, acme),
    ).toThrow(/CHECK constraint failed/);
    // A record that does not exist is refused by its foreign key.
    expect(() => store.notes.create({ type: 'contact', id: 999 }, 'x', null)).toThrow(/FOREIGN KEY/);
    expect(store.notes.recordExists({ type: 'contact', id: 999 })).toBe(false);
    expect(store.notes.recordExists({ type: 'company', id: acme })).toBe(true);

    const note = store.notes.create({ type: 'contact', id: ann }, 'hello', 'Me');
    expect(note).toMatchObject({ record: { type: 'contact', id: ann }, body: 'hello', author: 'Me' });
    const task = store.tasks.create({ type: 'company', id: acme }, 'renew', '2026-05-01T00:00:00.000Z');
    expect(task).toMatchObject({
      record: { type: 'company', id: acme },
      dueAt: '2026-05-01T00:00:00.000Z',
      doneAt: null,
    });
    const done = store.tasks.update(task.id, { done: true }, '2026-04-01T00:00:00.000Z')!;
    expect(done.doneAt).toBe('2026-04-01T00:00:00.000Z');
    expect(store.tasks.update(task.id, { done: true }, '2026-04-02T00:00:00.000Z')!.doneAt).toBe(
      '2026-04-01T00:00:00.000Z',
    );
    expect(store.tasks.update(task.id, { done: false, title: 'renew contract' })).toMatchObject({
      doneAt: null,
      title: 'renew contract',
      dueAt: '2026-05-01T00:00:00.000Z',
    });

    store.db.prepare('DELETE FROM contacts WHERE id = ?').run(ann);
    expect(store.notes.get(note.id)).toBeNull();
    expect(store.tasks.get(task.id)).not.toBeNull();
    store.db.prepare('DELETE FROM companies WHERE id = ?').run(acme);
    expect(store.tasks.get(task.id)).toBeNull();
  });
});
