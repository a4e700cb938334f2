import type { Kysely } from 'kysely';
import { parseSealed } from './sealed-value.js';
import { readColumn, SEALED_COLUMNS, type SealedColumn, type StoredValue } from './sealed-columns.js';

/** The migration that started sealing (workspace key, TOTP secrets): before it, nothing is sealed. */
export const FIRST_SEALING_MIGRATION = 7;

export type ColumnInventory = {
  column: SealedColumn;
  values: StoredValue[];
  /** How many values each key id sealed. */
  byKeyId: Map<string, number>;
  /** Values that are not in the sealed format (plaintext a bug wrote, or a mangled value). */
  unsealed: number;
};

export type Inventory = {
  /** False until the sealing migration ran: the secrets are still plaintext. */
  sealing: boolean;
  columns: ColumnInventory[];
};

async function appliedVersions<DB>(db: Kysely<DB>): Promise<Set<number>> {
  const tables = await db.introspection.getTables();
  if (!tables.some((table) => table.name === 'schema_migrations')) return new Set();
  const typed = db as unknown as Kysely<{ schema_migrations: { version: number } }>;
  const rows = await typed.selectFrom('schema_migrations').select('version').execute();
  return new Set(rows.map((row) => Number(row.version)));
}

/** Reads every sealed column the database has, without any key: what is sealed, with which key. */
export async function takeInventory<DB>(db: Kysely<DB>): Promise<Inventory> {
  const applied = await appliedVersions(db);
  const columns: ColumnInventory[] = [];
  for (const column of SEALED_COLUMNS.filter((candidate) => applied.has(candidate.since))) {
    const values = await readColumn(db, column);
    const byKeyId = new Map<string, number>();
    let unsealed = 0;
    for (const { value } of values) {
      const parts = parseSealed(value);
      if (parts) byKeyId.set(parts.keyId, (byKeyId.get(parts.keyId) ?? 0) + 1);
      else unsealed += 1;
    }
    columns.push({ column, values, byKeyId, unsealed });
  }
  return { sealing: applied.has(FIRST_SEALING_MIGRATION), columns };
}

/** Key id → number of values, over every column, the most used first. */
export function keyIdsInUse(inventory: Inventory): Map<string, number> {
  const counts = new Map<string, number>();
  for (const column of inventory.columns) {
    for (const [keyId, count] of column.byKeyId) counts.set(keyId, (counts.get(keyId) ?? 0) + count);
  }
  return new Map([...counts].sort((a, b) => b[1] - a[1]));
}

export const columnName = (column: SealedColumn): string => `${column.table}.${column.column}`;
