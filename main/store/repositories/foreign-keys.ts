import type { Db } from '../sqlcipher.js';

/** A column of some table that references the primary key of a parent table. */
export type Reference = {
  table: string;
  column: string;
  /** True for WITHOUT ROWID tables: their rows are identified by `keyColumns` instead of a rowid. */
  withoutRowid: boolean;
  keyColumns: string[];
  /** True when the table's INTEGER PRIMARY KEY is its rowid (then the rowid is already a column). */
  rowidIsColumn: boolean;
};

/** A quoted SQL identifier: names come from the schema, never from users, but may be any text. */
export function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Every single-column foreign key in the database that references `parent`'s primary key, found
 * from the schema itself (PRAGMA foreign_key_list over all tables): tables added by later
 * migrations are carried without code changes.
 */
export function referencesTo(db: Db, parent: string): Reference[] {
  const tables = db
    .prepare<[], { name: string; wr: number }>(
      `SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'
       ORDER BY name`,
    )
    .all();
  const references: Reference[] = [];
  for (const { name, wr } of tables) {
    const keys = db
      .prepare<[string], { id: number; seq: number; table: string; from: string; to: string | null }>(
        'SELECT id, seq, "table", "from", "to" FROM pragma_foreign_key_list(?)',
      )
      .all(name);
    const columns = db
      .prepare<[string], { name: string; type: string; pk: number }>(
        'SELECT name, type, pk FROM pragma_table_info(?) ORDER BY pk',
      )
      .all(name);
    const keyColumns = columns.filter((column) => column.pk > 0).map((column) => column.name);
    const rowidIsColumn =
      wr === 0 && keyColumns.length === 1 && columns.find((c) => c.pk === 1)?.type.toUpperCase() === 'INTEGER';
    for (const key of keys) {
      if (key.table.toLowerCase() !== parent.toLowerCase()) continue;
      // A composite key naming the parent is not a reference to one record's id.
      if (keys.some((other) => other.id === key.id && other.seq > 0)) continue;
      if (key.to !== null && key.to !== 'id') continue;
      references.push({ table: name, column: key.from, withoutRowid: wr === 1, keyColumns, rowidIsColumn });
    }
  }
  return references;
}

/** Rows as JSON-safe values: blobs and big integers would not survive JSON.stringify as they are. */
export type StoredValue = string | number | null | { $blob: string } | { $bigint: string };
export type StoredRow = Record<string, StoredValue>;

export function toStored(row: Record<string, unknown>): StoredRow {
  const stored: StoredRow = {};
  for (const [column, value] of Object.entries(row)) {
    if (Buffer.isBuffer(value)) stored[column] = { $blob: value.toString('base64') };
    else if (typeof value === 'bigint') stored[column] = { $bigint: value.toString() };
    else stored[column] = value as string | number | null;
  }
  return stored;
}

export function fromStored(value: StoredValue): unknown {
  if (value !== null && typeof value === 'object') {
    return '$blob' in value ? Buffer.from(value.$blob, 'base64') : BigInt(value.$bigint);
  }
  return value;
}
