import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli } from '../harness/cli.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';

/** The CSV as a spreadsheet reads it: raw cells, nothing restored. */
function readRows(csv: string): string[][] {
  return parse(csv, { bom: true });
}

// The built `clientele` command: import a CSV of contacts (a dry run first, columns mapped on the
// command line), export it again (formula cells neutralized), import that export into a second
// profile and get the same contacts back; merge and undo through `clientele call`.
let keyring: SecretService;
const first = makeTempDir();
const second = makeTempDir();
const files = makeTempDir();

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  for (const dir of [first, second]) {
    const init = await runCli(['--data-dir', dir.path, 'init', '--name', 'Ada', '--json'], { env: keyring.env });
    expect(init.code).toBe(0);
  }
}, 60_000);
afterAll(async () => {
  await keyring.stop();
  for (const dir of [first, second, files]) dir.remove();
});

const cli = (dir: { path: string }, args: string[]) => runCli(['--data-dir', dir.path, ...args], { env: keyring.env });

const SOURCE = [
  'Mail,Who,Tel,Employer,Notes',
  'ann@acme.test,=HYPERLINK("http://evil.test"),+1 555 0100,Acme,x',
  'bob@initech.test,"Bob ""The Builder"", Jr.",-5,@Initech,y',
  'zoe@acme.test,"Zoë 李\nsecond line",,Acme,z',
  'broken,No Address,,,',
].join('\r\n');

/** The data columns of an export, by address, without ids and dates (which differ between profiles). */
function contentOf(csv: string): string[][] {
  const rows = readRows(csv);
  const header = rows[0]!;
  const keep = ['name', 'email', 'phone', 'company', 'company_domain'].map((name) => header.indexOf(name));
  return rows
    .slice(1)
    .map((row) => keep.map((index) => row[index]!))
    .sort((a, b) => a[1]!.localeCompare(b[1]!));
}

describe('clientele import / export', () => {
  it('previews with --dry-run, imports with --map, and round-trips through export into another profile', async () => {
    const source = join(files.path, 'source.csv');
    writeFileSync(source, SOURCE);
    const maps = ['--map', 'Who=name', '--map', 'Tel=phone', '--map', 'Notes=skip'];

    const dry = await cli(first, ['import', 'contacts', source, ...maps, '--dry-run', '--json']);
    expect(dry.stdout + dry.stderr).toContain('"ok": true');
    expect(dry.code).toBe(0);
    expect(dry.json).toMatchObject({
      ok: true,
      value: {
        total: 4,
        counts: { new: 3, duplicate: 0, invalid: 1 },
        mapping: { Mail: 'email', Who: 'name', Tel: 'phone', Employer: 'company', Notes: null },
      },
    });
    const human = await cli(first, ['import', 'contacts', source, ...maps, '--dry-run']);
    expect(human.stdout).toContain('line 6: "broken" is not an email address.'); // Zoë's name spans lines 4-5
    expect(human.stdout).toContain('Nothing was written');

    const imported = await cli(first, ['import', 'contacts', source, ...maps, '--json']);
    expect(imported.json).toMatchObject({ ok: true, value: { created: 3, skipped: 0, invalidCount: 1 } });
    const again = await cli(first, ['import', 'contacts', source, ...maps]);
    expect(again.stdout).toContain('0 created, 0 updated, 3 skipped');

    const out = join(files.path, 'contacts.csv');
    const exported = await cli(first, ['export', 'contacts', '--csv', '--out', out, '--json']);
    expect(exported.json).toMatchObject({ ok: true, value: { rows: 3 } });
    const csv = readFileSync(out, 'utf8');
    for (const cell of readRows(csv).flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.test"")"`);
    expect(csv).toContain(`'-5`);
    // An existing file is not replaced unasked.
    const refused = await cli(first, ['export', 'contacts', '--csv', '--out', out, '--json']);
    expect(refused.json).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const reimported = await cli(second, ['import', 'contacts', out, '--json']);
    expect(reimported.json).toMatchObject({ ok: true, value: { created: 3, invalidCount: 0 } });
    const stdout = await cli(second, ['export', 'contacts', '--csv']);
    expect(stdout.code).toBe(0);
    expect(contentOf(stdout.stdout)).toEqual(contentOf(csv));
    // As a spreadsheet reads the file: the formula and the phone's '+' are text.
    expect(contentOf(csv)).toContainEqual([
      `'=HYPERLINK("http://evil.test")`,
      'ann@acme.test',
      `'+1 555 0100`,
      'Acme',
      'acme.test',
    ]);

    const companies = await cli(second, ['export', 'companies', '--csv']);
    expect(companies.stdout).toContain('acme.test');
    const deals = await cli(second, ['export', 'deals', '--csv']);
    expect(deals.stdout.split('\r\n')[0]).toContain('name,amount,amount_minor,currency');
  }, 120_000);

  it('merges two contacts and undoes the merge through clientele call', async () => {
    const list = await cli(first, ['contacts', 'list', '--json']);
    const contacts = (list.json as { value: { items: { id: number; email: string }[] } }).value.items;
    const ann = contacts.find((c) => c.email === 'ann@acme.test')!;
    const zoe = contacts.find((c) => c.email === 'zoe@acme.test')!;
    const merged = await cli(first, [
      'call',
      'contacts.merge',
      JSON.stringify({ targetId: ann.id, sourceIds: [zoe.id] }),
      '--json',
    ]);
    expect(merged.json).toMatchObject({ ok: true, value: { targetId: ann.id, sourceIds: [zoe.id] } });
    const mergeId = (merged.json as { value: { mergeId: number } }).value.mergeId;
    const gone = await cli(first, ['call', 'contacts.get', JSON.stringify({ id: zoe.id }), '--json']);
    expect(gone.json).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const undone = await cli(first, ['call', 'contacts.undoMerge', JSON.stringify({ mergeId }), '--json']);
    expect(undone.json).toMatchObject({ ok: true, value: { restoredIds: [zoe.id] } });
    const back = await cli(first, ['call', 'contacts.get', JSON.stringify({ id: zoe.id }), '--json']);
    expect(back.json).toMatchObject({ ok: true, value: { emails: ['zoe@acme.test'] } });
    const twice = await cli(first, ['call', 'contacts.undoMerge', JSON.stringify({ mergeId }), '--json']);
    expect(twice.json).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  }, 60_000);

  it('answers a malformed file with VALIDATION and the line', async () => {
    const bad = join(files.path, 'bad.csv');
    writeFileSync(bad, 'email,name\n"ann@acme.test,Ann\n');
    const result = await cli(first, ['import', 'contacts', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error VALIDATION: The file is not valid CSV: a quoted field is not closed');
  });
});
