import type { Kysely } from 'kysely';

/**
 * Two-factor sign-in (TOTP and recovery codes), the login challenges between the password and the
 * code, and the workspace settings "require 2FA for everyone" and the IP allowlist.
 */
// The migration works on the database before later migrations exist, so it sees no typed schema.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per user who started setting up TOTP; enabled_at is null until a first code confirms it.
  await db.schema
    .createTable('user_totp')
    .addColumn('user_id', 'text', (col) => col.primaryKey().references('users.id').onDelete('cascade'))
    /** Base32 RFC 6238 secret, plain here; 0007 renames it secret_sealed and seals it with the server key. */
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('enabled_at', 'bigint')
    /** The last time step accepted: a code is good once, so only later steps pass. */
    .addColumn('last_time_step', 'bigint')
    .execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    /** SHA-256 of the normalized code (100 random bits, so a fast hash is enough). */
    .addColumn('code_hash', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('recovery_codes_user').on('recovery_codes').column('user_id').execute();

  // Issued when the password was right for a user with 2FA; redeemed with a code for a session.
  await db.schema
    .createTable('second_factor_challenges')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('second_factor_challenges_user')
    .on('second_factor_challenges')
    .column('user_id')
    .execute();

  // One row (singleton = 1), written here so every instance reads the same defaults.
  await db.schema
    .createTable('workspace_settings')
    .addColumn('singleton', 'integer', (col) => col.primaryKey())
    .addColumn('require_2fa', 'integer', (col) => col.notNull().defaultTo(0))
    /** JSON array of CIDR strings; empty means no allowlist. */
    .addColumn('ip_allowlist', 'text', (col) => col.notNull().defaultTo('[]'))
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();
  const settings = db as unknown as Kysely<{ workspace_settings: Record<string, string | number> }>;
  await settings
    .insertInto('workspace_settings')
    .values({ singleton: 1, require_2fa: 0, ip_allowlist: '[]', updated_at: Date.now() })
    .execute();
}
