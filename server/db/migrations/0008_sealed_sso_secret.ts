import type { Kysely } from 'kysely';
import { sealColumnInPlace } from '../../secrets/seal-column.js';
import type { SealedColumn } from '../../secrets/sealed-columns.js';
import type { MigrationContext } from './migration.js';

// Spelled out rather than imported from the registry: a released migration must not change when
// the registry does later.
const SSO_CLIENT_SECRET: SealedColumn = {
  table: 'sso_config',
  column: 'client_secret_sealed',
  rowId: 'singleton',
  since: 8,
};

/**
 * The IdP's client secret (0006 kept it in clear, waiting for 0007's server secret key) is sealed
 * like the other secrets: renamed so no code reads a sealed value as plaintext, sealed in place, and
 * the table compacted afterwards so the plaintext row version does not linger in the files.
 */
export async function up(db: Kysely<unknown>, context: MigrationContext): Promise<void> {
  await db.schema.alterTable('sso_config').renameColumn('client_secret', 'client_secret_sealed').execute();
  await sealColumnInPlace(db, context.secrets, SSO_CLIENT_SECRET);
}

export const compactAfter = ['sso_config'] as const;
