import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { companyDuplicates, contactDuplicates, localPartKey, phoneKey } from '../../main/crm/merge/duplicates.js';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import { Store } from '../../main/store/store.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The list pages' reads: keyset pages that give every contact once, in order, whatever the page
// size (contacts without activity last); company search; possible duplicates and their reasons.

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

function addContact(store: Store, id: number, name: string, address: string, activity: string | null, phones = '[]') {
  store.db
    .prepare(
      `INSERT INTO contacts (id, name, name_derived, phones, source, last_activity_at, created_at, updated_at)
       VALUES (?, ?, 0, ?, 'mail', ?, 'x', 'x')`,
    )
    .run(id, name, phones, activity);
  store.db.prepare('INSERT INTO contact_emails (address, contact_id) VALUES (?, ?)').run(address, id);
}

describe('contact pages', () => {
  it('give every contact once, newest activity first, ties by id, no activity last, at any page size', () => {
    const store = openStore();
    const activity = (i: number) => (i % 5 === 0 ? null : `2026-0${(i % 3) + 1}-01T00:00:00Z`);
    for (let i = 1; i <= 37; i++) addContact(store, i, `Person ${i}`, `p${i}@x.test`, activity(i));
    const expected = Array.from({ length: 37 }, (_, i) => i + 1).sort((a, b) => {
      const [x, y] = [activity(a) ?? '', activity(b) ?? ''];
      return x === y ? b - a : y.localeCompare(x);
    });
    for (const size of [1, 4, 7, 36, 37, 100]) {
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = store.crm.listContacts(undefined, cursor, size);
        seen.push(...page.items.map((item) => item.id));
        cursor = page.next ?? undefined;
      } while (cursor);
      expect(seen).toEqual(expected);
    }
  });
});

describe('company search', () => {
  it('matches a prefix of the name, of a word of it, or of the domain', () => {
    const store = openStore();
    store.db.exec(`
      INSERT INTO companies (domain, name, source, created_at, updated_at) VALUES
        ('acme.test', 'Acme', 'mail', 'x', 'x'), ('blue-sky.co.uk', 'Blue Sky Labs', 'mail', 'x', 'x'),
        ('initech.test', 'Initech', 'mail', 'x', 'x')`);
    const names = (search: string) => store.crm.listCompanies(undefined, 50, search).items.map((c) => c.name);
    expect(names('ac')).toEqual(['Acme']);
    expect(names('sky')).toEqual(['Blue Sky Labs']);
    expect(names('blue-sky.co')).toEqual(['Blue Sky Labs']);
    expect(names('%')).toEqual([]);
    expect(names('')).toEqual(['Acme', 'Blue Sky Labs', 'Initech']);
  });
});

describe('possible duplicates', () => {
  it('groups contacts by name, by phone and by address local part at one company, each set once', () => {
    const store = openStore();
    addContact(store, 1, 'Ann Archer', 'ann@acme.test', '2026-03-01');
    addContact(store, 2, 'ann archer', 'ann.archer@home.test', '2026-02-01');
    addContact(store, 3, 'Bob', 'bob@initech.test', null, '["+44 20 7946 0000"]');
    addContact(store, 4, 'Robert', 'robert@other.test', null, '["020 7946 0000"]');
    addContact(store, 5, 'Zoe', 'zoe@acme.test', null);
    addContact(store, 6, 'Zoe Z', 'zoe@eu.acme.test', null);
    addContact(store, 7, 'Info', 'info@acme.test', null);
    addContact(store, 8, 'Info UK', 'info@acme.co.uk', null);
    addContact(store, 9, 'Gmail Joe', 'joe@gmail.com', null);
    addContact(store, 10, 'Other Joe', 'joe@googlemail.com', null);
    const groups = contactDuplicates(store.crm, store.duplicates, 50);
    expect(groups.map((group) => [group.reason, group.contacts.map((c) => c.id).sort((a, b) => a - b)])).toEqual([
      ['same-name', [1, 2]],
      ['same-phone', [3, 4]],
      ['same-local-part', [5, 6]],
    ]);
    expect(groups[0]!.explanation).toBe('Same name "Ann Archer" with different addresses');
    expect(contactDuplicates(store.crm, store.duplicates, 1)).toHaveLength(1);
  });

  it('groups companies by name and by registrable domain', () => {
    const store = openStore();
    store.db.exec(`
      INSERT INTO companies (id, domain, name, source, created_at, updated_at) VALUES
        (1, 'acme.test', 'Acme', 'mail', 'x', 'x'), (2, 'acme-corp.test', 'ACME', 'mail', 'x', 'x'),
        (3, 'initech.co.uk', 'Initech', 'mail', 'x', 'x'), (4, 'mail.initech.co.uk', 'Initech Mail', 'mail', 'x', 'x'),
        (5, 'other.test', 'Other', 'mail', 'x', 'x')`);
    const groups = companyDuplicates(store.crm, store.duplicates, 50);
    expect(groups.map((group) => [group.reason, group.companies.map((c) => c.id)])).toEqual([
      ['same-company-name', [1, 2]],
      ['same-registrable-domain', [3, 4]],
    ]);
    expect(groups[1]!.explanation).toBe('Domains under initech.co.uk');
  });

  it('normalizes phones and local parts', () => {
    expect(phoneKey('+1 (555) 010-0199')).toBe(phoneKey('555.010.0199'));
    expect(phoneKey('12 34')).toBeNull();
    expect(localPartKey('ann+crm@eu.acme.co.uk')).toBe('ann@acme');
    expect(localPartKey('sales@acme.test')).toBeNull();
    expect(localPartKey('ann@gmail.com')).toBeNull();
  });
});
