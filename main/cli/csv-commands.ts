import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CompanyImportField,
  ContactImportField,
  type CsvExport,
  type ImportResult,
  type ContactImportPreview,
} from '../../common/domain/csv.js';
import { fail, ok, type Result } from '../../common/result.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { call, withCore, type ActionFactory } from './context.js';
import { emit } from './output.js';

const EXPORTS = { contacts: 'contacts.export', companies: 'companies.export', deals: 'deals.export' } as const;
const IMPORTS = {
  contacts: { preview: 'contacts.importPreview', run: 'contacts.import', fields: ContactImportField.options },
  companies: { preview: 'companies.importPreview', run: 'companies.import', fields: CompanyImportField.options },
} as const;

type Preview = Omit<ContactImportPreview, 'mapping'> & { mapping: Record<string, string | null> };

export function registerCsvCommands(program: Command, action: ActionFactory): void {
  program
    .command('export')
    .description(
      'Export contacts, companies or deals as CSV (cells a spreadsheet would run as formulas are neutralized)',
    )
    .argument('<what>', 'contacts, companies or deals', oneOf(Object.keys(EXPORTS)))
    .requiredOption('--csv', 'CSV format (the only one so far)')
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--force', 'replace the file if it exists')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const what = command.args[0] as keyof typeof EXPORTS;
          const { out, force } = command.opts<{ out?: string; force?: boolean }>();
          const exported = (await call(core, EXPORTS[what], {})) as Result<CsvExport>;
          if (!exported.ok || out === undefined) {
            if (!exported.ok || options.json === true) return emit(exported, options.json === true, () => '');
            process.stdout.write(exported.value.csv);
            return 0;
          }
          const target = resolve(out);
          if (existsSync(target) && force !== true) {
            return emit(
              fail({ code: 'CONFLICT', message: `${target} exists; pass --force to replace it.` }),
              options.json === true,
              () => '',
            );
          }
          writeFileAtomic(target, exported.value.csv);
          const written = ok({ file: target, rows: exported.value.rows });
          return emit(written, options.json === true, (value) => `Wrote ${value.rows} ${what} to ${value.file}.`);
        }),
      ),
    );

  program
    .command('import')
    .description('Import contacts or companies from a CSV file, in one transaction')
    .argument('<what>', 'contacts or companies', oneOf(Object.keys(IMPORTS)))
    .argument('<file>', 'the CSV file (UTF-8, a header row first)')
    .option(
      '--map <column=field>',
      'which field a column fills (repeatable; field "skip" leaves the column out); unmapped columns are guessed from their headers',
      collect,
      [] as string[],
    )
    .option('--update', 'update contacts (companies) that already exist instead of skipping them')
    .option('--dry-run', 'show what the import would do, row by row, and write nothing')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const json = options.json === true;
          const what = command.args[0] as keyof typeof IMPORTS;
          const opts = command.opts<{ map: string[]; update?: boolean; dryRun?: boolean }>();
          const spec = IMPORTS[what];
          const overrides = parseMappings(opts.map, spec.fields);
          if (!overrides.ok) return emit(overrides, json, () => '');
          let csv: string;
          try {
            csv = readFileSync(resolve(command.args[1]!), 'utf8');
          } catch (error) {
            return emit(
              fail({ code: 'NOT_FOUND', message: `Cannot read ${command.args[1]}: ${(error as Error).message}` }),
              json,
              () => '',
            );
          }
          // The guessed mapping first, then the columns named on the command line.
          const guessed = (await call(core, spec.preview, { csv })) as Result<Preview>;
          if (!guessed.ok) return emit(guessed, json, () => '');
          const mapping = { ...guessed.value.mapping, ...overrides.value };
          const unknown = Object.keys(overrides.value).filter((column) => !guessed.value.columns.includes(column));
          if (unknown.length) {
            const message = `No column ${unknown.map((c) => `"${c}"`).join(', ')} in the file (columns: ${guessed.value.columns.join(', ')}).`;
            return emit(fail({ code: 'VALIDATION', message }), json, () => '');
          }
          if (opts.dryRun === true) {
            const preview = (await call(core, spec.preview, { csv, mapping })) as Result<Preview>;
            return emit(preview, json, describePreview);
          }
          const onDuplicate = opts.update === true ? 'update' : 'skip';
          const result = (await call(core, spec.run, {
            csv,
            mapping,
            onDuplicate,
          })) as Result<ImportResult>;
          return emit(result, json, (value) => describeImport(value, what));
        }),
      ),
    );
}

function oneOf(choices: string[]): (value: string) => string {
  return (value) => {
    if (!choices.includes(value)) throw new InvalidArgumentError(`one of ${choices.join(', ')}`);
    return value;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseMappings(entries: string[], fields: readonly string[]): Result<Record<string, string | null>> {
  const mapping: Record<string, string | null> = {};
  for (const entry of entries) {
    const at = entry.lastIndexOf('=');
    const column = entry.slice(0, at).trim();
    const field = entry.slice(at + 1).trim();
    if (at <= 0 || !(field === 'skip' || fields.includes(field))) {
      return fail({
        code: 'VALIDATION',
        message: `--map ${entry}: write column=field, with field one of ${fields.join(', ')} or skip.`,
      });
    }
    mapping[column] = field === 'skip' ? null : field;
  }
  return ok(mapping);
}

function describePreview(preview: Preview): string {
  const lines = [
    `${preview.total} rows: ${preview.counts.new} new, ${preview.counts.duplicate} already exist, ${preview.counts.invalid} invalid.`,
    'Columns:',
    ...preview.columns.map((column) => `  ${column} → ${preview.mapping[column] ?? '(skipped)'}`),
  ];
  const invalid = preview.rows.filter((row) => row.status === 'invalid');
  if (invalid.length) lines.push('Invalid rows:', ...invalid.map((row) => `  line ${row.line}: ${row.reason}`));
  lines.push('Nothing was written (--dry-run).');
  return lines.join('\n');
}

function describeImport(result: ImportResult, what: string): string {
  const lines = [
    `Imported ${what}: ${result.created} created, ${result.updated} updated, ${result.skipped} skipped (already exist), ${result.invalidCount} invalid.`,
  ];
  for (const row of result.invalid) lines.push(`  line ${row.line}: ${row.reason}`);
  return lines.join('\n');
}
