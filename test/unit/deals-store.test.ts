import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseAmount, formatAmountPlain } from '../../common/domain/deals.js';
import { AppError } from '../../common/errors.js';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import { Store } from '../../main/store/store.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Deals in the encrypted store: the board's order and totals per currency, moves that keep every
// stage's positions dense and write the stage history, and what deleting takes with it.

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

function addCompany(store: Store, domain: string, name: string): number {
  return Number(
    store.db
      .prepare(
        `INSERT INTO companies (domain, name, source, created_at, updated_at) VALUES (?, ?, 'manual', '2026-01-01', '2026-01-01')`,
      )
      .run(domain, name).lastInsertRowid,
  );
}

function addContact(store: Store, name: string, email: string): number {
  const id = Number(
    store.db
      .prepare(
        `INSERT INTO contacts (name, source, created_at, updated_at) VALUES (?, 'manual', '2026-01-01', '2026-01-01')`,
      )
      .run(name).lastInsertRowid,
  );
  store.db.prepare('INSERT INTO contact_emails (address, contact_id) VALUES (?, ?)').run(email, id);
  return id;
}

function stageId(store: Store, name: string): number {
  const stage = store.deals.listPipelines()[0]!.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`no stage ${name}`);
  return stage.id;
}

/** Deal names of a stage in board order, with each position checked to be 0..n-1. */
function column(store: Store, name: string): string[] {
  const col = store.deals.board()!.stages.find((c) => c.stage.name === name)!;
  expect(col.deals.map((d) => d.position)).toEqual(col.deals.map((_, i) => i));
  return col.deals.map((d) => d.name);
}

function history(store: Store, dealId: number): string[] {
  return store.db
    .prepare<[number], { change: string }>(
      `SELECT coalesce(f.name, '-') || '>' || t.name AS change FROM deal_stage_changes c
       LEFT JOIN pipeline_stages f ON f.id = c.from_stage_id JOIN pipeline_stages t ON t.id = c.to_stage_id
       WHERE c.deal_id = ? ORDER BY c.id`,
    )
    .all(dealId)
    .map((row) => row.change);
}

describe('migration 0006', () => {
  it('upgrades a store made before it: CRM rows kept, the Sales pipeline seeded, deals usable', () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const keys = { databaseKey: randomBytes(32), fieldKey: randomBytes(32) };
    const path = join(dir.path, 'clientele.db');
    const before = MIGRATIONS.filter((migration) => migration.version < 6);
    const old = Store.open(path, keys, { create: true, migrations: before });
    const acme = addCompany(old, 'acme.test', 'Acme');
    old.close();
    const store = Store.open(path, keys, { create: false });
    expect(store.db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(6);
    expect(store.deals.listPipelines().map((p) => p.name)).toEqual(['Sales']);
    const deal = store.deals.create({ name: 'Renewal', amountMinor: 1, currency: 'EUR', companyId: acme });
    expect(deal.company?.name).toBe('Acme');
  });
});

describe('pipelines and the board', () => {
  it('seeds the Sales pipeline with its six ordered stages', () => {
    const store = openStore();
    const [sales, ...others] = store.deals.listPipelines();
    expect(others).toEqual([]);
    expect(sales!.name).toBe('Sales');
    expect(sales!.stages.map((s) => [s.name, s.position, s.kind])).toEqual([
      ['Lead', 0, 'open'],
      ['Qualified', 1, 'open'],
      ['Proposal', 2, 'open'],
      ['Negotiation', 3, 'open'],
      ['Won', 4, 'won'],
      ['Lost', 5, 'lost'],
    ]);
  });

  it('totals each stage per currency, never across currencies', () => {
    const store = openStore();
    const lead = stageId(store, 'Lead');
    store.deals.create({ name: 'A', amountMinor: 120050, currency: 'EUR', stageId: lead });
    store.deals.create({ name: 'B', amountMinor: 99, currency: 'EUR', stageId: lead });
    store.deals.create({ name: 'C', amountMinor: 5000, currency: 'USD', stageId: lead });
    store.deals.create({ name: 'D', amountMinor: 700, currency: 'JPY', stageId: stageId(store, 'Won') });
    const board = store.deals.board()!;
    const byName = Object.fromEntries(board.stages.map((c) => [c.stage.name, c]));
    expect(byName.Lead!.count).toBe(3);
    expect(byName.Lead!.totals).toEqual([
      { currency: 'EUR', amountMinor: 120149 },
      { currency: 'USD', amountMinor: 5000 },
    ]);
    expect(byName.Won!.totals).toEqual([{ currency: 'JPY', amountMinor: 700 }]);
    expect(byName.Qualified!.count).toBe(0);
    expect(byName.Qualified!.totals).toEqual([]);
    expect(column(store, 'Lead')).toEqual(['A', 'B', 'C']);
  });

  it('puts a new deal last in the first stage by default, with its company and contacts', () => {
    const store = openStore();
    const acme = addCompany(store, 'acme.test', 'Acme');
    const ann = addContact(store, 'Ann Archer', 'ann@acme.test');
    store.deals.create({ name: 'First', amountMinor: 1, currency: 'EUR' });
    const deal = store.deals.create({
      name: 'Second',
      amountMinor: 100,
      currency: 'EUR',
      companyId: acme,
      contactIds: [ann],
      closeDate: '2026-12-31',
    });
    expect(deal).toMatchObject({
      stageName: 'Lead',
      position: 1,
      company: { id: acme, name: 'Acme', domain: 'acme.test' },
      contacts: [{ id: ann, name: 'Ann Archer', email: 'ann@acme.test' }],
      closeDate: '2026-12-31',
    });
    expect(history(store, deal.id)).toEqual(['->Lead']);
  });

  it('refuses a company or contact that does not exist', () => {
    const store = openStore();
    expect(() => store.deals.create({ name: 'X', amountMinor: 1, currency: 'EUR', companyId: 999 })).toThrow(AppError);
    expect(() => store.deals.create({ name: 'X', amountMinor: 1, currency: 'EUR', contactIds: [999] })).toThrow(
      /No contact 999/,
    );
    expect(store.deals.board()!.stages[0]!.count).toBe(0);
  });
});

describe('moving deals', () => {
  function seeded() {
    const store = openStore();
    const lead = stageId(store, 'Lead');
    const ids = Object.fromEntries(
      ['A', 'B', 'C', 'D'].map((name) => [
        name,
        store.deals.create({ name, amountMinor: 100, currency: 'EUR', stageId: lead }).id,
      ]),
    );
    return { store, ids, lead };
  }

  it('moves to another stage, writes the history and keeps both stages dense', () => {
    const { store, ids } = seeded();
    const proposal = stageId(store, 'Proposal');
    const moved = store.deals.move({ id: ids.B!, stageId: proposal });
    expect(moved).toMatchObject({ stageName: 'Proposal', position: 0 });
    expect(column(store, 'Lead')).toEqual(['A', 'C', 'D']);
    expect(column(store, 'Proposal')).toEqual(['B']);
    store.deals.move({ id: ids.D!, stageId: proposal, beforeId: ids.B! });
    expect(column(store, 'Proposal')).toEqual(['D', 'B']);
    expect(column(store, 'Lead')).toEqual(['A', 'C']);
    expect(history(store, ids.B!)).toEqual(['->Lead', 'Lead>Proposal']);
    expect(history(store, ids.D!)).toEqual(['->Lead', 'Lead>Proposal']);
  });

  it('reorders within a stage, down and up, without writing history', () => {
    const { store, ids, lead } = seeded();
    store.deals.move({ id: ids.A!, stageId: lead, beforeId: ids.D! });
    expect(column(store, 'Lead')).toEqual(['B', 'C', 'A', 'D']);
    store.deals.move({ id: ids.D!, stageId: lead, beforeId: ids.B! });
    expect(column(store, 'Lead')).toEqual(['D', 'B', 'C', 'A']);
    store.deals.move({ id: ids.D!, stageId: lead });
    expect(column(store, 'Lead')).toEqual(['B', 'C', 'A', 'D']);
    expect(history(store, ids.A!)).toEqual(['->Lead']);
  });

  it('refuses a beforeId outside the target stage and leaves everything as it was', () => {
    const { store, ids } = seeded();
    const won = stageId(store, 'Won');
    expect(() => store.deals.move({ id: ids.A!, stageId: won, beforeId: ids.B! })).toThrow(/not in stage "Won"/);
    expect(() => store.deals.move({ id: ids.A!, stageId: 9999 })).toThrow(/No stage/);
    expect(column(store, 'Lead')).toEqual(['A', 'B', 'C', 'D']);
    expect(history(store, ids.A!)).toEqual(['->Lead']);
  });

  it('closes the gap when a deal is deleted, and takes its notes, tasks, contacts and history with it', () => {
    const { store, ids } = seeded();
    const ann = addContact(store, 'Ann', 'ann@acme.test');
    store.deals.update({ id: ids.B!, contactIds: [ann] });
    store.notes.create({ type: 'deal', id: ids.B! }, 'call back', null);
    store.tasks.create({ type: 'deal', id: ids.B! }, 'send quote', null);
    expect(store.deals.delete(ids.B!)).toBe(true);
    expect(store.deals.delete(ids.B!)).toBe(false);
    expect(column(store, 'Lead')).toEqual(['A', 'C', 'D']);
    const count = (table: string) =>
      store.db.prepare<[number], { n: number }>(`SELECT count(*) AS n FROM ${table} WHERE deal_id = ?`).get(ids.B!)!.n;
    expect([count('notes'), count('tasks'), count('deal_contacts'), count('deal_stage_changes')]).toEqual([0, 0, 0, 0]);
    // The contact stays.
    expect(store.db.prepare('SELECT id FROM contacts WHERE id = ?').get(ann)).toBeDefined();
  });
});

describe('updating and listing deals', () => {
  it('changes only the fields given, replaces contacts, and lists by contact and company, newest first', () => {
    const store = openStore();
    const acme = addCompany(store, 'acme.test', 'Acme');
    const ann = addContact(store, 'Ann', 'ann@acme.test');
    const bob = addContact(store, 'Bob', 'bob@acme.test');
    const one = store.deals.create(
      { name: 'One', amountMinor: 100, currency: 'EUR', contactIds: [ann] },
      '2026-01-01T00:00:00.000Z',
    );
    const two = store.deals.create(
      { name: 'Two', amountMinor: 200, currency: 'USD', companyId: acme },
      '2026-01-02T00:00:00.000Z',
    );
    const updated = store.deals.update(
      { id: one.id, amountMinor: 150, contactIds: [bob] },
      '2026-01-03T00:00:00.000Z',
    )!;
    expect(updated).toMatchObject({ name: 'One', amountMinor: 150, currency: 'EUR', company: null });
    expect(updated.contacts.map((c) => c.name)).toEqual(['Bob']);
    expect(store.deals.update({ id: 999, name: 'x' })).toBeNull();

    expect(store.deals.list({}, undefined, 10).items.map((d) => d.name)).toEqual(['One', 'Two']);
    expect(store.deals.list({ contactId: bob }, undefined, 10).items.map((d) => d.name)).toEqual(['One']);
    expect(store.deals.list({ contactId: ann }, undefined, 10).items).toEqual([]);
    expect(store.deals.list({ companyId: acme }, undefined, 10).items.map((d) => d.name)).toEqual(['Two']);
    const first = store.deals.list({}, undefined, 1);
    expect(first.items.map((d) => d.name)).toEqual(['One']);
    expect(store.deals.list({}, first.next!, 1)).toMatchObject({ items: [{ name: 'Two' }], next: null });
    // A deleted company leaves its deals without one.
    store.db.prepare('DELETE FROM companies WHERE id = ?').run(acme);
    expect(store.deals.get(two.id)!.company).toBeNull();
  });
});

describe('amounts', () => {
  it('parses and prints amounts in the minor units of each currency', () => {
    expect(parseAmount('1200.50', 'EUR')).toBe(120050);
    expect(parseAmount('1200,5', 'EUR')).toBe(120050);
    expect(parseAmount('7', 'EUR')).toBe(700);
    expect(parseAmount('1500', 'JPY')).toBe(1500);
    expect(parseAmount('1.5', 'JPY')).toBeNull();
    expect(parseAmount('1.234', 'EUR')).toBeNull();
    expect(parseAmount('-3', 'EUR')).toBeNull();
    expect(parseAmount('1.234', 'BHD')).toBe(1234);
    expect(formatAmountPlain(120050, 'EUR')).toBe('1200.50');
    expect(formatAmountPlain(1500, 'JPY')).toBe('1500');
  });
});
