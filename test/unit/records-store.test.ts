import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ContactLinker } from '../../main/crm/contact-linker.js';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import type { Address, IncomingMessage } from '../../main/store/repositories/mail-repository.js';
import { activitySql } from '../../main/store/repositories/reports-repository.js';
import { Store } from '../../main/store/store.js';
import { bucketCount, bucketStart, fillBuckets, wholeBuckets } from '../../main/reports/activity-buckets.js';
import { m0009Reports } from '../../main/store/migrations/0009_reports.js';
import { silentLogger } from '../../main/util/logger.js';
import { incomingMessage } from '../harness/mail-fixtures.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The record pages' edits, the record search and the email activity report, in the encrypted store.

const NOW = '2026-06-01T00:00:00.000Z';
const dirs: ReturnType<typeof makeTempDir>[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function openStore(): Store {
  const dir = makeTempDir();
  dirs.push(dir);
  const keys = { databaseKey: randomBytes(32), fieldKey: randomBytes(32) };
  return Store.open(join(dir.path, 'clientele.db'), keys, { create: true, migrations: MIGRATIONS });
}

const me = { name: 'Me', address: 'me@mycorp.test' };
const at = (address: string, name = ''): Address => ({ name, address });

/** An account with an inbox and a sent folder; returns how to deliver mail to each. */
function mailbox(store: Store): {
  received(messages: IncomingMessage[]): void;
  sent(messages: IncomingMessage[]): void;
} {
  store.accounts.insert({
    id: 'a',
    kind: 'imap',
    email: me.address,
    displayName: 'Me',
    config: {},
    createdAt: '2026-01-01T00:00:00Z',
  });
  const [inbox, sent] = store.mail.upsertFolders(
    'a',
    [
      { path: 'INBOX', name: 'INBOX', role: 'inbox' },
      { path: 'Sent', name: 'Sent', role: 'sent' },
    ],
    () => true,
  );
  const apply = (folderId: number, upserts: IncomingMessage[]) =>
    store.mail.applyPage({
      accountId: 'a',
      folderId,
      reset: false,
      upserts,
      deletes: [],
      flagChanges: [],
      cursor: 'c',
      remoteTotal: upserts.length,
      backfillComplete: false,
      syncedAt: NOW,
    });
  return { received: (messages) => apply(inbox!.id, messages), sent: (messages) => apply(sent!.id, messages) };
}

function linkAll(store: Store): void {
  const linker = new ContactLinker(() => store, silentLogger(), { batchSize: 10 });
  while (linker.linkBatch(NOW) > 0);
}

function contactId(store: Store, address: string): number {
  return store.crm.explain(address).contactId!;
}

describe('contacts.update', () => {
  // Ann first appears without a display name (a name made from her address), then signs a reply.
  function annWithoutName(store: Store) {
    const mail = mailbox(store);
    mail.sent([incomingMessage(1, { direction: 'sent', from: [me], to: [at('ann.archer@acme.test')] })]);
    linkAll(store);
    const replyFromAnn = incomingMessage(2, { from: [at('ann.archer@acme.test', 'Ann Archer (Acme)')], to: [me] });
    return { mail, id: contactId(store, 'ann.archer@acme.test'), replyFromAnn };
  }

  it('keeps a name the user typed when a display name is seen later', () => {
    const store = openStore();
    const { mail, id, replyFromAnn } = annWithoutName(store);
    expect(store.crm.getContact(id)!.name).toBe('Ann Archer');

    expect(store.records.updateContact({ id, name: 'Annie' }, NOW)).toBe(true);
    mail.received([replyFromAnn]);
    linkAll(store);
    expect(store.crm.getContact(id)!.name).toBe('Annie');
  });

  it('lets a display name replace a name made from the address when the user typed none', () => {
    const store = openStore();
    const { mail, id, replyFromAnn } = annWithoutName(store);
    // An edit of other fields leaves the name the linker's to improve.
    store.records.updateContact({ id, title: 'CTO' }, NOW);
    mail.received([replyFromAnn]);
    linkAll(store);
    expect(store.crm.getContact(id)).toMatchObject({ name: 'Ann Archer (Acme)', title: 'CTO' });
  });

  it('changes only the fields given, and clears one set to null', () => {
    const store = openStore();
    const { id } = annWithoutName(store);
    store.records.updateContact(
      {
        id,
        phones: ['+44 20 7946 0000'],
        title: 'CTO',
        owner: 'me',
        lifecycleStage: 'lead',
        customFields: { tier: 'gold' },
      },
      '2026-06-02T00:00:00.000Z',
    );
    store.records.updateContact({ id, title: null }, '2026-06-03T00:00:00.000Z');
    expect(store.crm.getContact(id)).toMatchObject({
      name: 'Ann Archer',
      phones: ['+44 20 7946 0000'],
      title: null,
      owner: 'me',
      lifecycleStage: 'lead',
      customFields: { tier: 'gold' },
      updatedAt: '2026-06-03T00:00:00.000Z',
    });
    expect(store.records.updateContact({ id: 999, name: 'Nobody' }, NOW)).toBe(false);
  });
});

describe('companies.get / companies.update', () => {
  it('reads a company with its contacts and changes its fields', () => {
    const store = openStore();
    mailbox(store).sent([
      incomingMessage(1, {
        direction: 'sent',
        from: [me],
        to: [at('ann@acme.test', 'Ann'), at('bob@acme.test', 'Bob')],
      }),
      incomingMessage(2, { direction: 'sent', from: [me], to: [at('bob@acme.test', 'Bob')] }),
    ]);
    linkAll(store);
    const id = store.crm.listCompanies(undefined, 10).items[0]!.id;
    expect(store.records.updateCompany({ id, name: 'Acme Corp', owner: 'me', customFields: { size: 50 } }, NOW)).toBe(
      true,
    );
    const company = store.records.getCompany(id)!;
    expect(company).toMatchObject({ domain: 'acme.test', name: 'Acme Corp', owner: 'me', contacts: 2 });
    expect(company.customFields).toEqual({ size: 50 });
    // Bob wrote last (message 2): most recent activity first.
    expect(company.people.map((person) => person.email)).toEqual(['bob@acme.test', 'ann@acme.test']);
    expect(store.records.getCompany(999)).toBeNull();
    expect(store.records.updateCompany({ id: 999, name: 'X' }, NOW)).toBe(false);
  });
});

describe('search.records', () => {
  function people(store: Store): void {
    mailbox(store).sent([
      incomingMessage(1, {
        direction: 'sent',
        from: [me],
        to: [at('ann@acme.test', 'Ann Archer'), at('zed@initech.co.uk', 'Zed Marlow'), at('p_c@percent.test', 'P C')],
      }),
    ]);
    linkAll(store);
  }
  const names = (store: Store, query: string) =>
    store.records.searchRecords(query, 10).map((hit) => `${hit.type}:${hit.name}`);

  it('finds contacts and companies by a prefix of the name, of a word of it, of an address or a domain', () => {
    const store = openStore();
    people(store);
    expect(names(store, 'ann')).toEqual(['contact:Ann Archer']);
    expect(names(store, 'ARCH')).toEqual(['contact:Ann Archer']);
    expect(names(store, 'marl')).toEqual(['contact:Zed Marlow']);
    expect(names(store, 'zed@init')).toEqual(['contact:Zed Marlow']);
    expect(names(store, 'acme')).toEqual(['company:Acme']);
    expect(names(store, 'initech.co')).toEqual(['company:Initech']);
    expect(names(store, 'a')).toEqual(['contact:Ann Archer', 'company:Acme']);
    expect(store.records.searchRecords('zed', 10)[0]).toMatchObject({ type: 'contact', detail: 'zed@initech.co.uk' });
  });

  it('matches prefixes only, with LIKE wildcards taken literally', () => {
    const store = openStore();
    people(store);
    expect(names(store, 'rcher')).toEqual([]);
    expect(names(store, 'nn')).toEqual([]);
    expect(names(store, '%')).toEqual([]);
    expect(names(store, '_')).toEqual([]);
    expect(names(store, 'p_c@')).toEqual(['contact:P C']);
    expect(names(store, '   ')).toEqual([]);
  });
});

describe('reports.emailActivity', () => {
  function activityMailbox(store: Store): void {
    const mail = mailbox(store);
    const on = (n: number, date: string, direction: 'sent' | 'received') =>
      incomingMessage(n, { date, direction, from: direction === 'sent' ? [me] : [at('x@y.test')], to: [me] });
    mail.sent([
      on(1, '2025-12-31T23:30:00.000Z', 'sent'),
      on(2, '2026-01-31T23:59:59.999Z', 'sent'),
      on(3, '2026-02-01T00:00:00.000Z', 'sent'),
    ]);
    mail.received([
      on(4, '2025-12-29T08:00:00.000Z', 'received'),
      on(5, '2026-01-01T00:00:00.000Z', 'received'),
      // 00:30 in Paris (UTC+1) on 1 January is still 31 December in UTC: the sync stores UTC.
      on(6, new Date('2026-01-01T00:30:00+01:00').toISOString(), 'received'),
      on(7, '2026-01-04T23:59:00.000Z', 'received'),
    ]);
  }

  it('counts sent and received per UTC month across a year boundary', () => {
    const store = openStore();
    activityMailbox(store);
    expect(store.reports.emailActivity('month', '2025-12-01', '2026-03-01')).toEqual([
      { start: '2025-12-01', sent: 1, received: 2 },
      { start: '2026-01-01', sent: 1, received: 2 },
      { start: '2026-02-01', sent: 1, received: 0 },
    ]);
  });

  it('counts per UTC day and per week starting on Monday (a week spanning New Year is one bucket)', () => {
    const store = openStore();
    activityMailbox(store);
    expect(store.reports.emailActivity('day', '2025-12-29', '2026-01-05')).toEqual([
      { start: '2025-12-29', sent: 0, received: 1 },
      { start: '2025-12-31', sent: 1, received: 1 },
      { start: '2026-01-01', sent: 0, received: 1 },
      { start: '2026-01-04', sent: 0, received: 1 },
    ]);
    // 29 Dec 2025 is a Monday; Sunday 4 January 23:59 UTC still belongs to that week.
    expect(store.reports.emailActivity('week', '2025-12-29', '2026-01-05')).toEqual([
      { start: '2025-12-29', sent: 1, received: 4 },
    ]);
  });

  it('takes the first day as included and the last as excluded', () => {
    const store = openStore();
    activityMailbox(store);
    expect(store.reports.emailActivity('day', '2026-01-31', '2026-02-01')).toEqual([
      { start: '2026-01-31', sent: 1, received: 0 },
    ]);
  });

  it('keeps the counters exact as messages are deleted, by hand or with their account', () => {
    const store = openStore();
    activityMailbox(store);
    store.db.prepare("DELETE FROM messages WHERE message_id = 'm5@x.test'").run();
    expect(store.reports.emailActivity('month', '2026-01-01', '2026-02-01')).toEqual([
      { start: '2026-01-01', sent: 1, received: 1 },
    ]);
    store.db.prepare("DELETE FROM accounts WHERE id = 'a'").run();
    expect(store.reports.emailActivity('month', '2000-01-01', '2100-01-01')).toEqual([]);
  });

  it('knows the first and the last day with mail, whatever the range, and forgets deleted mail', () => {
    const store = openStore();
    expect(store.reports.storedMail()).toBeNull();
    activityMailbox(store);
    expect(store.reports.storedMail()).toEqual({ firstDay: '2025-12-29', lastDay: '2026-02-01' });
    // The last day's only message goes: its counter stays at 0, which is no mail.
    store.db.prepare("DELETE FROM messages WHERE message_id = 'm3@x.test'").run();
    expect(store.reports.storedMail()).toEqual({ firstDay: '2025-12-29', lastDay: '2026-01-31' });
    store.db.prepare("DELETE FROM accounts WHERE id = 'a'").run();
    expect(store.reports.storedMail()).toBeNull();
  });

  it('counts the mail already stored when a profile is upgraded to the counters', () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const keys = { databaseKey: randomBytes(32), fieldKey: randomBytes(32) };
    const path = join(dir.path, 'clientele.db');
    const before = MIGRATIONS.filter((migration) => migration.version < m0009Reports.version);
    const old = Store.open(path, keys, { create: true, migrations: before });
    activityMailbox(old);
    old.close();
    const upgraded = Store.open(path, keys, { create: false, migrations: MIGRATIONS });
    expect(upgraded.reports.emailActivity('month', '2025-12-01', '2026-03-01')).toEqual([
      { start: '2025-12-01', sent: 1, received: 2 },
      { start: '2026-01-01', sent: 1, received: 2 },
      { start: '2026-02-01', sent: 1, received: 0 },
    ]);
    upgraded.close();
  });

  it('reads the counters by their primary key', () => {
    const store = openStore();
    for (const bucket of ['day', 'week', 'month'] as const) {
      const plan = store.db
        .prepare(`EXPLAIN QUERY PLAN ${activitySql(bucket)}`)
        .all('2026-01-01', '2027-01-01')
        .map((row) => (row as { detail: string }).detail);
      expect(plan[0]).toMatch(/^SEARCH message_activity USING PRIMARY KEY \(day>\? AND day<\?\)/);
    }
  });

  it('fills quiet buckets with zeros and cuts buckets in UTC', () => {
    expect(bucketStart(new Date('2026-01-01T00:30:00+01:00'), 'day')).toBe('2025-12-31');
    expect(bucketStart(new Date('2026-01-01T00:30:00+01:00'), 'month')).toBe('2025-12-01');
    expect(bucketStart(new Date('2026-03-01T00:30:00-05:00'), 'month')).toBe('2026-03-01');
    expect(bucketStart(new Date('2026-01-04T23:59:00Z'), 'week')).toBe('2025-12-29');
    expect(bucketStart(new Date('2026-01-05T00:00:00Z'), 'week')).toBe('2026-01-05');
    const from = new Date('2025-11-15T00:00:00Z');
    const to = new Date('2026-03-01T00:00:00Z');
    const { fromDay, toDay } = wholeBuckets(from, to, 'month');
    expect([fromDay, toDay]).toEqual(['2025-11-01', '2026-03-01']);
    expect(fillBuckets([{ start: '2026-01-01', sent: 2, received: 3 }], 'month', fromDay, toDay)).toEqual([
      { start: '2025-11-01', sent: 0, received: 0 },
      { start: '2025-12-01', sent: 0, received: 0 },
      { start: '2026-01-01', sent: 2, received: 3 },
      { start: '2026-02-01', sent: 0, received: 0 },
    ]);
    expect(bucketCount(fromDay, toDay, 'month')).toBe(4);
    // A Wednesday to a Monday morning: whole weeks, the last one holding that Monday.
    const weeks = wholeBuckets(new Date('2026-01-07T00:00:00Z'), new Date('2026-01-12T10:00:00Z'), 'week');
    expect(weeks).toEqual({ fromDay: '2026-01-05', toDay: '2026-01-19' });
    expect(fillBuckets([], 'week', weeks.fromDay, weeks.toDay).map((point) => point.start)).toEqual([
      '2026-01-05',
      '2026-01-12',
    ]);
    expect(bucketCount(weeks.fromDay, weeks.toDay, 'week')).toBe(2);
    // `to` at midnight excludes that day; a minute later includes it.
    expect(wholeBuckets(new Date('2026-01-01'), new Date('2026-01-03T00:00:00Z'), 'day').toDay).toBe('2026-01-03');
    expect(wholeBuckets(new Date('2026-01-01'), new Date('2026-01-03T00:01:00Z'), 'day').toDay).toBe('2026-01-04');
  });
});
