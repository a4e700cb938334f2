import type { Kysely } from 'kysely';
import { AppError } from '../../common/errors.js';
import { placeOf, readColumn, replaceValue, type SealedColumn } from './sealed-columns.js';
import type { ServerSecrets } from './server-secrets.js';

/**
 * For a migration that turns a plaintext column into a sealed one: seals every value in place and
 * returns how many. Without a key it refuses only when there is something to seal, so migrating an
 * empty database (a test, a first start) does not need one.
 */
export async function sealColumnInPlace<DB>(
  db: Kysely<DB>,
  secrets: ServerSecrets | undefined,
  column: SealedColumn,
): Promise<number> {
  const stored = await readColumn(db, column);
  if (stored.length === 0) return 0;
  if (!secrets) {
    throw new AppError(
      'SERVER_KEY_MISSING',
      `Sealing ${column.table}.${column.column} needs the server secret key, and the migration was given none.`,
    );
  }
  for (const value of stored) {
    await replaceValue(db, column, value, secrets.seal(value.value, placeOf(column, value.rowId)));
  }
  return stored.length;
}
