import type { Kysely } from 'kysely';

/**
 * A password an administrator set (an account reset) is a temporary one: its owner must choose their
 * own before a session is given (ASVS 5 V6.4: an initial or reset secret must not become the
 * long-term password). `users.password_change_required_at` says since when; the sign-in challenges
 * get a `kind`, so the one step a temporary password opens (choosing the new one) has a challenge of
 * its own that the second-factor step refuses, and the other way round.
 */
// The migration works on the database before later migrations exist, so it sees no typed schema.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('password_change_required_at', 'bigint').execute();
  await db.schema
    .alterTable('second_factor_challenges')
    .addColumn('kind', 'text', (col) => col.notNull().defaultTo('second_factor'))
    .execute();
}
