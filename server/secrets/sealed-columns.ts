import type { Kysely } from 'kysely';
import type { SealedPlace } from './sealed-value.js';

/**
 * A column that holds sealed values, and the column whose value names the row in the additional
 * data. `since` is the migration that made it sealed: `secrets status` and `secrets rotate` only
 * look at columns the database already has.
 */
export type SealedColumn = { table: string; column: string; rowId: string; since: number };

/** The workspace's Ed25519 private key (PKCS8 PEM), bound to the workspace id. */
export const WORKSPACE_PRIVATE_KEY = {
  table: 'workspace',
  column: 'private_key_sealed',
  rowId: 'id',
  since: 7,
} as const satisfies SealedColumn;

/** A user's RFC 6238 secret (Base32), bound to the user id. */
export const USER_TOTP_SECRET = {
  table: 'user_totp',
  column: 'secret_sealed',
  rowId: 'user_id',
  since: 7,
} as const satisfies SealedColumn;

/** The single sign-on IdP's client secret (sso_config, one row), bound to that row. */
export const SSO_CLIENT_SECRET = {
  table: 'sso_config',
  column: 'client_secret_sealed',
  rowId: 'singleton',
  since: 8,
} as const satisfies SealedColumn;

/** The ID token an SSO web session was opened with (its sign-out's id_token_hint), bound to the session. */
export const SSO_ID_TOKEN = {
  table: 'sso_sessions',
  column: 'id_token_sealed',
  rowId: 'session_id',
  since: 13,
} as const satisfies SealedColumn;

/**
 * Every sealed column. A feature that keeps a new secret adds its column here (and a migration that
 * seals existing rows with sealColumnInPlace), so rotation and status cover it without more code.
 */
export const SEALED_COLUMNS: readonly SealedColumn[] = [
  WORKSPACE_PRIVATE_KEY,
  USER_TOTP_SECRET,
  SSO_CLIENT_SECRET,
  SSO_ID_TOKEN,
];

export function placeOf(column: SealedColumn, rowId: string): SealedPlace {
  return { table: column.table, column: column.column, rowId };
}

export type StoredValue = { rowId: string; value: string };

/** The tables are named by the registry, so these queries see them untyped. */
type Untyped = Kysely<Record<string, Record<string, string | null>>>;

/** Every non-null value of a sealed column with its row id. */
export async function readColumn<DB>(db: Kysely<DB>, column: SealedColumn): Promise<StoredValue[]> {
  const rows = await (db as unknown as Untyped)
    .selectFrom(column.table)
    .select([`${column.rowId} as row_id`, `${column.column} as value`])
    .where(column.column, 'is not', null)
    .execute();
  return rows.map((row) => ({ rowId: String(row.row_id), value: String(row.value) }));
}

/**
 * Replaces one value, only if it is still the one read (a conditional update): true when it did.
 * A value changed meanwhile (another instance wrote it) is left alone and reported false.
 */
export async function replaceValue<DB>(
  db: Kysely<DB>,
  column: SealedColumn,
  stored: StoredValue,
  next: string,
): Promise<boolean> {
  const result = await (db as unknown as Untyped)
    .updateTable(column.table)
    .set({ [column.column]: next })
    .where(column.rowId, '=', stored.rowId)
    .where(column.column, '=', stored.value)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
