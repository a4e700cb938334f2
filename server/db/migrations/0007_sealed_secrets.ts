import type { Kysely } from 'kysely';
import { sealColumnInPlace } from '../../secrets/seal-column.js';
import type { SealedColumn } from '../../secrets/sealed-columns.js';
import type { MigrationContext } from './migration.js';

// Spelled out rather than imported from the registry: a released migration must not change when
// the registry does later.
const WORKSPACE_KEY: SealedColumn = { table: 'workspace', column: 'private_key_sealed', rowId: 'id', since: 7 };
const TOTP_SECRET: SealedColumn = { table: 'user_totp', column: 'secret_sealed', rowId: 'user_id', since: 7 };

/**
 * Secrets sealed with the server secret key: the workspace's signing key and the TOTP secrets were
 * plaintext until now. The columns are renamed so no code can read a sealed value as plaintext
 * (or write plaintext) by the old name, then every existing value is sealed in place, in this
 * migration's transaction. The migrator then compacts the two tables so the plaintext row versions
 * do not linger in the database files.
 */
export async function up(db: Kysely<unknown>, context: MigrationContext): Promise<void> {
  await db.schema.alterTable('workspace').renameColumn('private_key_pkcs8', 'private_key_sealed').execute();
  await db.schema.alterTable('user_totp').renameColumn('secret', 'secret_sealed').execute();
  await sealColumnInPlace(db, context.secrets, WORKSPACE_KEY);
  await sealColumnInPlace(db, context.secrets, TOTP_SECRET);
}

export const compactAfter = ['workspace', 'user_totp'] as const;
