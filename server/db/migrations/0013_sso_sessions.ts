import type { Kysely } from 'kysely';

/**
 * Single sign-on sessions and the IdP's: for each web session opened by single sign-on, the ID token
 * it was opened with, sealed (signing out at the IdP, OpenID Connect RP-Initiated Logout 1.0: the
 * token names the person and the client, and several IdPs, Okta among them, require it as
 * `id_token_hint`), and the IdP's session id (`sid`), by which the IdP's back-channel logout names
 * the session to end. A row lives as long as its session matters: the sign-out spends it, and a later
 * SSO sign-in drops the rows of sessions that have ended since.
 */
// The migration works on the database before later migrations exist, so it sees no typed schema.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sso_sessions')
    .addColumn('session_id', 'text', (col) => col.primaryKey().references('sessions.id').onDelete('cascade'))
    /** The issuer that signed the token: a sign-out goes to it only while it is still the configured one. */
    .addColumn('issuer', 'text', (col) => col.notNull())
    .addColumn('id_token_sealed', 'text', (col) => col.notNull())
    /** The ID token's `sid` claim, when the IdP sends one. */
    .addColumn('sid', 'text')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('sso_sessions_by_sid').on('sso_sessions').columns(['issuer', 'sid']).execute();
}
