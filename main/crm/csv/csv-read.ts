import { parse } from 'csv-parse/sync';
import { AppError } from '../../../common/errors.js';
import { MAX_IMPORT_CHARS, MAX_IMPORT_ROWS } from '../../../common/domain/csv.js';
import { restoreCell } from './csv-cells.js';

export type CsvTable = {
  columns: string[];
  /** Data rows, each as long as `columns`, with the line each ends on (the header is line 1). */
  rows: { line: number; cells: string[] }[];
};

/**
 * Reads an uploaded CSV: size caps first (TOO_LARGE), then the text (a BOM, CRLF or LF, quoted
 * fields with commas and newlines). A malformed file is a VALIDATION error that names the line.
 */
export function readCsv(text: string): CsvTable {
  if (text.length > MAX_IMPORT_CHARS) {
    throw new AppError(
      'TOO_LARGE',
      `The file is too large to import (${formatMb(text.length)}; up to ${formatMb(MAX_IMPORT_CHARS)}). Split it into smaller files.`,
    );
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: false,
      // A quote inside an unquoted field (=HYPERLINK("x") typed by hand) is text, as spreadsheets read it.
      relax_quotes: true,
      // A header-only file is fine; the columns come from its first record.
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    throw new AppError('VALIDATION', `The file is not valid CSV: ${describeParseError(error)}`, { cause: error });
  }
  if (records.length === 0) throw new AppError('VALIDATION', 'The file is empty: a header row is needed.');
  if (records.length - 1 > MAX_IMPORT_ROWS) {
    throw new AppError(
      'TOO_LARGE',
      `The file has ${records.length - 1} rows; up to ${MAX_IMPORT_ROWS} can be imported at once. Split it into smaller files.`,
    );
  }
  const [header, ...data] = records;
  const columns = header!.record.map((cell) => restoreCell(cell.trim()));
  return {
    columns,
    rows: data.map(({ record, info }) => ({
      line: info.lines,
      cells: record.map((cell) => restoreCell(cell.trim())),
    })),
  };
}

function describeParseError(error: unknown): string {
  const parsed = error as { code?: string; lines?: number; message?: string };
  switch (parsed.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `a quoted field is not closed (it opens on or before line ${parsed.lines}).`;
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
      return `line ${parsed.lines} does not have as many fields as the header.`;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return `line ${parsed.lines} has a quote in the middle of a field (quotes inside a field are written twice: "").`;
    default:
      return parsed.message ?? 'it could not be read.';
  }
}

function formatMb(chars: number): string {
  return `${(chars / (1024 * 1024)).toFixed(1)} MB`;
}
