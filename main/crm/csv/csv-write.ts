import { stringify } from 'csv-stringify/sync';
import { neutralizeCell } from './csv-cells.js';

export type CsvColumn<T> = { header: string; value: (row: T) => string | number | null };

/**
 * A CSV file (RFC 4180: comma, CRLF, quotes doubled) with a header row, every text cell
 * neutralized against formula injection. Numbers are written as numbers; a negative number is a
 * value, not a formula, in every spreadsheet.
 */
export function writeCsv<T>(columns: CsvColumn<T>[], rows: Iterable<T>): { csv: string; rows: number } {
  const records: (string | number)[][] = [columns.map((column) => neutralizeCell(column.header))];
  let count = 0;
  for (const row of rows) {
    count++;
    records.push(
      columns.map((column) => {
        const value = column.value(row);
        if (value === null) return '';
        return typeof value === 'number' ? value : neutralizeCell(value);
      }),
    );
  }
  // A BOM so that Excel reads the file as UTF-8 (names with accents, CJK) rather than the local code page.
  return { csv: `\uFEFF${stringify(records, { record_delimiter: '\r\n' })}`, rows: count };
}
