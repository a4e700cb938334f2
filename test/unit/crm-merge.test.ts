import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { isAppError } from '../../common/errors.js';
import { fillFromSources } from '../../main/crm/merge/fill-fields.js';
import type { MergeKind } from '../../common/domain/merge.js';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import { Store } from '../../main/store/store.js';
import { incomingMessage, pageToApply } from '../harness/mail-fixtures.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Merging contacts and companies, and undoing a merge: links in every table that references the
// record move (found from the schema, so tables made here in the test move too), collisions are
// dropped and restored, and an undo leaves every table exactly as before, or refuses with CONFLICT.

const NOW = '2026-06-01T00:00:00.000Z';
const LATER = '2026-06-02T00:00:00.000Z';
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

/** Every row of every table (shadow tables of full-text indexes too), rowids included; not the merge history. */
function dump(store: Store): Record<string, string[]> {
  const tables = store.db
    .prepare<[], { name: string; wr: number }>(
      `SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'shadow')
         AND name NOT LIKE 'sqlite_%' AND name != 'merges' ORDER BY name`,
    )
    .all();
  return Object.fromEntries(
    tables.map(({ name, wr }) => [
      name,
      store.db
        .prepare(`SELECT ${wr ? '' : 'rowid AS __rowid, '}* FROM "${name}"`)
        .all()
        .map((row) =>
          JSON.stringify(row, (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('hex') : value)),
        )
        .sort(),
    ]),
  );
}

const exec = (store: Store, sql: string, ...params: unknown[]): void => {
  store.db.prepare(sql).run(...params);
};

/**
 * Ann (1, two addresses, on messages 1-3), Ann again (2, on messages 2-4, a phone, a title), Bob (3),
 * companies Acme (acme.test) and Acme UK (acme.co.uk), a deal with both Anns, notes and tasks, and
 * three tables of the test's own that reference contacts: rowid with an INTEGER PRIMARY KEY, rowid
 * with a UNIQUE column (a collision keeps its rowid), and WITHOUT ROWID (the key holds the contact).
 */
function seed(store: Store): void {
  store.accounts.insert({
    id: 'a',
    kind: 'imap',
    email: 'me@mycorp.test',
    displayName: 'Me',
    config: {},
    createdAt: '2026-01-01T00:00:00Z',
  });
  const [inbox] = store.mail.upsertFolders('a', [{ path: 'INBOX', name: 'INBOX', role: 'inbox' }], () => true);
  store.mail.applyPage(
    pageToApply('a', inbox!.id, { upserts: [1, 2, 3, 4, 5].map((n) => incomingMessage(n)), remoteTotal: 5 }),
  );
  const ids = store.db
    .prepare<[], { id: number }>('SELECT id FROM messages ORDER BY id')
    .all()
    .map((r) => r.id);
  exec(
    store,
    `INSERT INTO contacts (id, name, name_derived, phones, title, owner, lifecycle_stage, custom_fields, source,
       last_activity_at, created_at, updated_at) VALUES
     (1, 'Ann', 1, '[]', NULL, 'me', NULL, '{"tier":"gold"}', 'mail', '2026-03-01T00:00:00Z', '2026-01-01', '2026-01-01'),
     (2, 'Ann Archer', 0, '["+44 20 7946 0000"]', 'CTO', NULL, 'lead', '{"tier":"silver","region":"EU"}', 'manual',
       '2026-04-01T00:00:00Z', '2026-01-02', '2026-01-02'),
     (3, 'Bob', 0, '[]', NULL, NULL, NULL, '{}', 'mail', NULL, '2026-01-03', '2026-01-03')`,
  );
  exec(
    store,
    `INSERT INTO contact_emails (address, contact_id) VALUES ('ann@acme.test', 1), ('ann.archer@acme.co.uk', 2),
       ('ann@home.test', 2), ('bob@acme.test', 3)`,
  );
  exec(
    store,
    `INSERT INTO companies (id, domain, name, owner, custom_fields, source, created_at, updated_at) VALUES
     (1, 'acme.test', 'Acme', NULL, '{}', 'mail', '2026-01-01', '2026-01-01'),
     (2, 'acme.co.uk', 'Acme UK', 'me', '{"vat":"GB1"}', 'mail', '2026-01-02', '2026-01-02')`,
  );
  exec(store, 'INSERT INTO contact_companies (contact_id, company_id) VALUES (1, 1), (2, 2), (2, 1), (3, 1)');
  // Messages 2 and 3 have both Anns as 'from': a collision once 2 becomes 1.
  const link = store.db.prepare('INSERT INTO message_contacts (message_id, contact_id, role) VALUES (?, ?, ?)');
  for (const [m, c, role] of [
    [0, 1, 'from'],
    [1, 1, 'from'],
    [2, 1, 'from'],
    [1, 2, 'from'],
    [2, 2, 'from'],
    [3, 2, 'to'],
    [4, 3, 'from'],
  ] as const) {
    link.run(ids[m], c, role);
  }
  // The default pipeline of migration 0006.
  const stage = store.db
    .prepare<[], { id: number; pipeline_id: number }>('SELECT id, pipeline_id FROM pipeline_stages ORDER BY id LIMIT 1')
    .get()!;
  exec(
    store,
    `INSERT INTO deals (id, name, amount_minor, currency, pipeline_id, stage_id, position, company_id, created_at, updated_at)
     VALUES (1, 'Big deal', 100000, 'EUR', ?, ?, 0, 2, '2026-01-01', '2026-01-01')`,
    stage.pipeline_id,
    stage.id,
  );
  exec(store, 'INSERT INTO deal_contacts (deal_id, contact_id) VALUES (1, 1), (1, 2)');
  exec(
    store,
    `INSERT INTO notes (body, contact_id, created_at, updated_at) VALUES ('about ann', 1, '2026-01-05', '2026-01-05'),
       ('about ann archer', 2, '2026-01-06', '2026-01-06')`,
  );
  store.db.exec(`
    CREATE TABLE test_refs (id INTEGER PRIMARY KEY, contact_id INTEGER REFERENCES contacts(id) ON DELETE CASCADE, label TEXT);
    INSERT INTO test_refs (id, contact_id, label) VALUES (10, 2, 'two'), (11, 3, 'three'), (12, 2, 'two again');
    CREATE TABLE test_unique (contact_id INTEGER NOT NULL UNIQUE REFERENCES contacts(id) ON DELETE CASCADE, payload BLOB);
    INSERT INTO test_unique (rowid, contact_id, payload) VALUES (7, 1, x'01ff'), (9, 2, x'02ee');
    CREATE TABLE test_pairs (contact_id INTEGER NOT NULL REFERENCES contacts(id), tag TEXT NOT NULL,
      PRIMARY KEY (contact_id, tag)) WITHOUT ROWID;
    INSERT INTO test_pairs (contact_id, tag) VALUES (1, 'vip'), (2, 'vip'), (2, 'press');
  `);
}

const fill = (kind: MergeKind) => (target: Record<string, unknown>, sources: Record<string, unknown>[]) =>
  fillFromSources(kind, target, sources);

function codeOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
}

describe('merging contacts', () => {
  it('moves every link to the target, drops collisions, fills empty fields and deletes the source', () => {
    const store = openStore();
    seed(store);
    const result = store.merges.merge('contact', 1, [2], fill('contact'), NOW);
    expect(result).toMatchObject({ kind: 'contact', targetId: 1, sourceIds: [2] });
    const db = store.db;
    expect(db.prepare('SELECT count(*) AS n FROM contacts WHERE id = 2').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT address FROM contact_emails WHERE contact_id = 1 ORDER BY address').all()).toEqual([
      { address: 'ann.archer@acme.co.uk' },
      { address: 'ann@acme.test' },
      { address: 'ann@home.test' },
    ]);
    // Messages 2 and 3 had both: one link each; message 4 moved.
    expect(db.prepare('SELECT count(*) AS n FROM message_contacts WHERE contact_id = 1').get()).toEqual({ n: 4 });
    expect(db.prepare('SELECT contact_id FROM deal_contacts ORDER BY contact_id').all()).toEqual([{ contact_id: 1 }]);
    expect(db.prepare('SELECT contact_id FROM notes ORDER BY id').all()).toEqual([
      { contact_id: 1 },
      { contact_id: 1 },
    ]);
    expect(db.prepare('SELECT id, contact_id FROM test_refs ORDER BY id').all()).toEqual([
      { id: 10, contact_id: 1 },
      { id: 11, contact_id: 3 },
      { id: 12, contact_id: 1 },
    ]);
    expect(db.prepare('SELECT rowid AS r, contact_id FROM test_unique').all()).toEqual([{ r: 7, contact_id: 1 }]);
    expect(db.prepare('SELECT contact_id, tag FROM test_pairs ORDER BY tag').all()).toEqual([
      { contact_id: 1, tag: 'press' },
      { contact_id: 1, tag: 'vip' },
    ]);
    expect(db.prepare('SELECT company_id FROM contact_companies WHERE contact_id = 1 ORDER BY 1').all()).toEqual([
      { company_id: 1 },
      { company_id: 2 },
    ]);
    const ann = store.crm.getContact(1)!;
    expect(ann).toMatchObject({
      name: 'Ann Archer', // the source's real name replaces one made from an address
      phones: ['+44 20 7946 0000'],
      title: 'CTO',
      owner: 'me', // the target's own value stays
      lifecycleStage: 'lead',
      customFields: { tier: 'gold', region: 'EU' },
      lastActivityAt: '2026-04-01T00:00:00Z',
      updatedAt: NOW,
    });
    // Derived tables kept by triggers (contact_threads, migration 0006) follow the re-pointed links.
    const threads = () => db.prepare('SELECT contact_id, thread_id, messages FROM contact_threads ORDER BY 1, 2').all();
    const recomputed = db
      .prepare(
        `SELECT mc.contact_id, m.thread_id, count(DISTINCT m.id) AS messages
         FROM message_contacts mc JOIN messages m ON m.id = mc.message_id
         WHERE EXISTS (SELECT 1 FROM message_locations l WHERE l.message = m.id)
         GROUP BY mc.contact_id, m.thread_id ORDER BY 1, 2`,
      )
      .all();
    expect(recomputed.length).toBeGreaterThan(0);
    expect(threads()).toEqual(recomputed);
    expect(result.moved).toBeGreaterThan(0);
    expect(result.dropped).toBe(6); // 2 messages, Acme, the deal, the unique row, the vip pair
  });

  it('undo leaves every table byte-identical to before the merge', () => {
    const store = openStore();
    seed(store);
    const before = dump(store);
    const { mergeId } = store.merges.merge('contact', 1, [2, 3], fill('contact'), NOW);
    expect(dump(store)).not.toEqual(before);
    const undone = store.merges.undo('contact', mergeId, LATER);
    expect(undone).toEqual({ mergeId, targetId: 1, restoredIds: [2, 3] });
    expect(dump(store)).toEqual(before);
    expect(store.merges.history('contact', 10)).toEqual([
      expect.objectContaining({
        mergeId,
        targetName: 'Ann Archer',
        sourceNames: ['Ann Archer', 'Bob'],
        undoneAt: LATER,
      }),
    ]);
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
  });

  it('refuses an undo with CONFLICT once it would lose a later change', () => {
    const store = openStore();
    seed(store);
    const first = store.merges.merge('contact', 1, [2], fill('contact'), NOW);
    exec(store, `UPDATE contacts SET title = 'CEO' WHERE id = 1`);
    expect(codeOf(() => store.merges.undo('contact', first.mergeId, LATER))).toBe('CONFLICT');
    // Nothing was half done.
    expect(store.db.prepare('SELECT count(*) AS n FROM contacts WHERE id = 2').get()).toEqual({ n: 0 });
  });

  it('refuses a second undo, and an undo before a later merge of the same contact is undone', () => {
    const store = openStore();
    seed(store);
    const before = dump(store);
    const first = store.merges.merge('contact', 1, [2], fill('contact'), NOW);
    const second = store.merges.merge('contact', 1, [3], fill('contact'), LATER);
    expect(codeOf(() => store.merges.undo('contact', first.mergeId, LATER))).toBe('CONFLICT');
    store.merges.undo('contact', second.mergeId, LATER);
    store.merges.undo('contact', first.mergeId, LATER);
    expect(dump(store)).toEqual(before);
    expect(codeOf(() => store.merges.undo('contact', first.mergeId, LATER))).toBe('CONFLICT');
    expect(codeOf(() => store.merges.undo('company', first.mergeId, LATER))).toBe('NOT_FOUND');
  });

  it('refuses an undo when a link moved by the merge changed since', () => {
    const store = openStore();
    seed(store);
    const { mergeId } = store.merges.merge('contact', 1, [2], fill('contact'), NOW);
    exec(store, 'DELETE FROM test_refs WHERE id = 10');
    expect(codeOf(() => store.merges.undo('contact', mergeId, LATER))).toBe('CONFLICT');
    expect(store.db.prepare('SELECT count(*) AS n FROM contacts').get()).toEqual({ n: 2 });
  });

  it('answers NOT_FOUND for a missing record and changes nothing', () => {
    const store = openStore();
    seed(store);
    const before = dump(store);
    expect(codeOf(() => store.merges.merge('contact', 1, [2, 99], fill('contact'), NOW))).toBe('NOT_FOUND');
    expect(dump(store)).toEqual(before);
  });
});

describe('merging companies', () => {
  it('moves contacts, deals and notes to the target company and undoes exactly', () => {
    const store = openStore();
    seed(store);
    exec(
      store,
      `INSERT INTO notes (body, company_id, created_at, updated_at) VALUES ('uk office', 2, '2026-01-07', '2026-01-07')`,
    );
    const before = dump(store);
    const { mergeId, dropped } = store.merges.merge('company', 1, [2], fill('company'), NOW);
    expect(dropped).toBe(1); // contact 2 was at both
    const db = store.db;
    expect(db.prepare('SELECT contact_id FROM contact_companies WHERE company_id = 1 ORDER BY 1').all()).toEqual([
      { contact_id: 1 },
      { contact_id: 2 },
      { contact_id: 3 },
    ]);
    expect(db.prepare('SELECT company_id FROM deals').all()).toEqual([{ company_id: 1 }]);
    expect(db.prepare(`SELECT company_id FROM notes WHERE body = 'uk office'`).all()).toEqual([{ company_id: 1 }]);
    expect(db.prepare('SELECT domain, owner, custom_fields FROM companies').all()).toEqual([
      { domain: 'acme.test', owner: 'me', custom_fields: '{"vat":"GB1"}' },
    ]);
    store.merges.undo('company', mergeId, LATER);
    expect(dump(store)).toEqual(before);
  });
});
