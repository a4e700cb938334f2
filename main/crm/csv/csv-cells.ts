/**
 * Spreadsheet formula injection (OWASP "CSV Injection"): a cell that starts with = + - @ TAB or CR
 * is run as a formula by Excel, LibreOffice and Google Sheets. Exports prefix such cells with an
 * apostrophe, which makes the spreadsheet show the text as typed.
 */
const DANGEROUS_FIRST = new Set(['=', '+', '-', '@', '\t', '\r']);

export function neutralizeCell(value: string): string {
  return value.length > 0 && DANGEROUS_FIRST.has(value[0]!) ? `'${value}` : value;
}

/**
 * The reverse, on import: a cell our own export neutralized gets its text back, so an export
 * imported again gives the same values. (A value that really starts with an apostrophe followed
 * by one of those characters loses the apostrophe: the price of a lossless round trip.)
 */
export function restoreCell(value: string): string {
  return value.length > 1 && value[0] === "'" && DANGEROUS_FIRST.has(value[1]!) ? value.slice(1) : value;
}
