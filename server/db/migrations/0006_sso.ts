import type { Kysely } from 'kysely';

/**
 * OIDC single sign-on: the IdP configuration, the links between users and IdP subjects, the sign-ins
 * waiting for the IdP, the desktop's one-time codes, and how each session was opened.
 */
// The migration works on the database before later migrations exist, so it sees no typed schema.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row (singleton = 1), off until an admin configures it.
  await db.schema
    .createTable('sso_config')
    .addColumn('singleton', 'integer', (col) => col.primaryKey())
    .addColumn('enabled', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('issuer', 'text')
    .addColumn('client_id', 'text')
    /** Plain for now, in its own column so the server's secret-sealing facility can take it over. */
    .addColumn('client_secret', 'text')
    /** JSON array of lower-case mail domains. */
    .addColumn('allowed_email_domains', 'text', (col) => col.notNull().defaultTo('[]'))
    .addColumn('auto_provision', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('default_role_id', 'text', (col) => col.references('roles.id').onDelete('set null'))
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();
  const config = db as unknown as Kysely<{ sso_config: Record<string, string | number | null> }>;
  await config
    .insertInto('sso_config')
    .values({ singleton: 1, enabled: 0, allowed_email_domains: '[]', auto_provision: 0, updated_at: Date.now() })
    .execute();

  // A user is found by (issuer, subject) once linked: the IdP's `sub` is stable, the email is not.
  await db.schema
    .createTable('user_identities')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('issuer', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    /** The email the IdP last asserted (for the admin's eyes; never used to find the user again). */
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('last_login_at', 'bigint', (col) => col.notNull())
    .addUniqueConstraint('user_identities_subject', ['issuer', 'subject'])
    // One link per user and IdP: a second subject claiming the same account is refused, not added.
    .addUniqueConstraint('user_identities_user_issuer', ['user_id', 'issuer'])
    .execute();

  // A sign-in sent to the IdP and not back yet: instances are stateless, so it lives here.
  await db.schema
    .createTable('sso_pending')
    .addColumn('id', 'text', (col) => col.primaryKey())
    /** SHA-256 of the `state` sent to the IdP: the callback finds its sign-in by it. */
    .addColumn('state_hash', 'text', (col) => col.notNull().unique())
    .addColumn('nonce', 'text', (col) => col.notNull())
    /** The server's own PKCE verifier towards the IdP. */
    .addColumn('code_verifier', 'text', (col) => col.notNull())
    /** The server's callback URL as sent to the IdP (the token request must repeat it). */
    .addColumn('redirect_uri', 'text', (col) => col.notNull())
    /** SHA-256 of the cookie that ties the sign-in to the browser that started it. */
    .addColumn('browser_binding_hash', 'text', (col) => col.notNull())
    /** Set for a desktop sign-in: its loopback redirect, PKCE challenge and state. */
    .addColumn('client_redirect_uri', 'text')
    .addColumn('client_code_challenge', 'text')
    .addColumn('client_state', 'text')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('used_at', 'bigint')
    .execute();

  // What a desktop's loopback receives after the IdP: exchanged once, with its verifier, for a session.
  await db.schema
    .createTable('sso_exchange_codes')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('code_hash', 'text', (col) => col.notNull().unique())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_challenge', 'text', (col) => col.notNull())
    .addColumn('redirect_uri', 'text', (col) => col.notNull())
    /** JSON: what the IdP said of the sign-in (issuer, amr), for the audit entry of the exchange. */
    .addColumn('details', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('used_at', 'bigint')
    .execute();

  // 'password' or 'sso': "require 2FA" binds password sessions; an SSO session's factors are the IdP's.
  await db.schema
    .alterTable('sessions')
    .addColumn('auth_method', 'text', (col) => col.notNull().defaultTo('password'))
    .execute();
}
