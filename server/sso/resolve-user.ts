import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit-log.js';
import { normalizeEmail } from '../auth/email.js';
import { NO_PASSWORD } from '../auth/no-password.js';
import { newId } from '../auth/tokens.js';
import type { ServerDatabase, UsersTable } from '../db/schema.js';
import type { SsoConfig } from './sso-config.js';

/** Who the IdP says signed in, from the verified ID token. */
export type SsoIdentity = { issuer: string; subject: string; email: string | undefined; emailVerified: boolean };

export type SsoRefusal = {
  reason:
    'email_not_verified' | 'email_domain_not_allowed' | 'identity_conflict' | 'unknown_account' | 'account_disabled';
  message: string;
  userId: string | null;
};

export type Resolution =
  { kind: 'user'; user: UsersTable; provisioned: boolean; linked: boolean } | ({ kind: 'refused' } & SsoRefusal);

const refuse = (reason: SsoRefusal['reason'], message: string, userId: string | null = null): Resolution => ({
  kind: 'refused',
  reason,
  message,
  userId,
});

/** The part after the last @, lower-cased: what allowedEmailDomains lists. */
export function emailDomain(email: string): string {
  const normalized = normalizeEmail(email);
  return normalized.slice(normalized.lastIndexOf('@') + 1);
}

/**
 * The account an SSO sign-in opens. A linked subject finds its account by (issuer, sub) whatever
 * email the IdP now shows, so an address changed or reassigned at the IdP can't move anyone into
 * another account. An unlinked subject is linked to the account of its (verified, allowed) email,
 * unless that account is already linked to another subject of the same IdP; with neither, a new
 * account is made only when auto-provisioning is on. Disabled accounts are refused, never linked.
 */
export async function resolveSsoUser(
  db: Kysely<ServerDatabase>,
  config: SsoConfig,
  identity: SsoIdentity,
  now: number,
): Promise<Resolution> {
  const { email } = identity;
  if (!email || !identity.emailVerified) {
    return refuse(
      'email_not_verified',
      'Your identity provider did not confirm your email address (email_verified). Ask your admin.',
    );
  }
  if (!config.allowedEmailDomains.includes(emailDomain(email))) {
    return refuse('email_domain_not_allowed', `Accounts of ${emailDomain(email)} may not sign in to this workspace.`);
  }
  try {
    return await db.transaction().execute((trx) => resolveIn(trx, config, { ...identity, email }, now));
  } catch (error) {
    // Two first sign-ins of one person at once (a double click): the loser finds what the winner made.
    if (!isUniqueViolation(error)) throw error;
    return db.transaction().execute((trx) => resolveIn(trx, config, { ...identity, email }, now));
  }
}

async function resolveIn(
  trx: Kysely<ServerDatabase>,
  config: SsoConfig,
  identity: SsoIdentity & { email: string },
  now: number,
): Promise<Resolution> {
  const linked = await trx
    .selectFrom('user_identities')
    .innerJoin('users', 'users.id', 'user_identities.user_id')
    .selectAll('users')
    .select('user_identities.id as identity_id')
    .where('user_identities.issuer', '=', identity.issuer)
    .where('user_identities.subject', '=', identity.subject)
    .executeTakeFirst();
  if (linked) {
    const { identity_id: identityId, ...user } = linked;
    if (user.disabled_at !== null) return refuse('account_disabled', 'This account is disabled.', user.id);
    await trx
      .updateTable('user_identities')
      .set({ email: identity.email, last_login_at: now })
      .where('id', '=', identityId)
      .execute();
    return { kind: 'user', user, provisioned: false, linked: false };
  }

  const existing = await trx
    .selectFrom('users')
    .selectAll()
    .where('email_normalized', '=', normalizeEmail(identity.email))
    .executeTakeFirst();
  if (existing) {
    if (existing.disabled_at !== null) return refuse('account_disabled', 'This account is disabled.', existing.id);
    const other = await trx
      .selectFrom('user_identities')
      .select('subject')
      .where('user_id', '=', existing.id)
      .where('issuer', '=', identity.issuer)
      .executeTakeFirst();
    if (other) {
      return refuse(
        'identity_conflict',
        'This account is linked to another identity at your identity provider. Ask your admin.',
        existing.id,
      );
    }
    await insertIdentity(trx, existing.id, identity, now);
    await recordAudit(trx, {
      action: 'user.sso_linked',
      actorUserId: existing.id,
      at: now,
      target: `user:${existing.id}`,
      details: { issuer: identity.issuer, subject: identity.subject, email: identity.email },
    });
    return { kind: 'user', user: existing, provisioned: false, linked: true };
  }

  if (!config.autoProvision) {
    return refuse('unknown_account', `There is no account for ${identity.email} in this workspace. Ask your admin.`);
  }
  const user: UsersTable = {
    id: newId(),
    email: identity.email.trim(),
    email_normalized: normalizeEmail(identity.email),
    password_hash: NO_PASSWORD,
    is_admin: 0,
    created_at: now,
    disabled_at: null,
    password_change_required_at: null,
  };
  await trx.insertInto('users').values(user).execute();
  await insertIdentity(trx, user.id, identity, now);
  // Provisioned by the system on the IdP's word: no admin acted, so no actor.
  await recordAudit(trx, {
    action: 'user.created',
    actorUserId: null,
    at: now,
    target: `user:${user.id}`,
    details: { email: user.email, isAdmin: false, via: 'sso', issuer: identity.issuer, subject: identity.subject },
  });
  const role = config.defaultRoleId
    ? await trx.selectFrom('roles').select('id').where('id', '=', config.defaultRoleId).executeTakeFirst()
    : undefined;
  if (role) {
    await trx.insertInto('user_roles').values({ user_id: user.id, role_id: role.id, assigned_at: now }).execute();
    await recordAudit(trx, {
      action: 'role.assigned',
      actorUserId: null,
      at: now,
      target: `user:${user.id}`,
      details: { roleId: role.id, via: 'sso' },
    });
  }
  return { kind: 'user', user, provisioned: true, linked: true };
}

async function insertIdentity(
  trx: Kysely<ServerDatabase>,
  userId: string,
  identity: SsoIdentity & { email: string },
  now: number,
): Promise<void> {
  await trx
    .insertInto('user_identities')
    .values({
      id: newId(),
      user_id: userId,
      issuer: identity.issuer,
      subject: identity.subject,
      email: identity.email,
      created_at: now,
      last_login_at: now,
    })
    .execute();
}

/** SQLite's and PostgreSQL's words for a UNIQUE constraint that refused a row. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
