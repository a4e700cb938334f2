import { sql, type Kysely } from 'kysely';
import { AppError } from '../../common/errors.js';
import { recordAudit } from '../audit/audit-log.js';
import type { DatabaseKind } from '../db/database.js';
import type { ServerDatabase, UsersTable } from '../db/schema.js';
import { adminRoleId } from '../rbac/admin-role.js';
import { normalizeEmail } from './email.js';
import { assertAcceptablePassword } from './password-policy.js';
import { hashPassword } from './passwords.js';
import { hashToken, newId, newToken } from './tokens.js';
import { adminExists } from './users.js';

/** A setup link is good for one hour: long enough to open it, short enough that a leaked log goes stale. */
export const BOOTSTRAP_TOKEN_TTL_MS = 60 * 60 * 1000;
const BOOTSTRAP_LOCK_ID = 7_270_002;
const INVALID_LINK = 'This setup link is invalid, already used or expired. Restart the server for a new one.';

/**
 * The first admin's way in. While no admin exists, each start issues a token (stored hashed,
 * single use, expiring); whichever is used first creates the admin, and from then on every
 * bootstrap token is refused. Several instances starting together each print a working link.
 */
export async function issueBootstrapToken(
  db: Kysely<ServerDatabase>,
  now: number,
): Promise<{ token: string; expiresAt: number } | undefined> {
  if (await adminExists(db)) return undefined;
  const token = newToken();
  const expiresAt = now + BOOTSTRAP_TOKEN_TTL_MS;
  await db
    .insertInto('bootstrap_tokens')
    .values({ id: newId(), token_hash: hashToken(token), created_at: now, expires_at: expiresAt, used_at: null })
    .execute();
  return { token, expiresAt };
}

export async function redeemBootstrapToken(
  db: Kysely<ServerDatabase>,
  kind: DatabaseKind,
  input: { token: string; email: string; password: string },
  now: number,
): Promise<UsersTable> {
  // Checked before the token is spent: a refused password must not burn the link.
  assertAcceptablePassword(input.password, input.email);
  const passwordHash = await hashPassword(input.password);

  return db.transaction().execute(async (trx) => {
    // Two links redeemed at once on PostgreSQL must not make two admins: one waits for the other.
    if (kind === 'postgres') await sql`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK_ID})`.execute(trx);
    const spent = await trx
      .updateTable('bootstrap_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', hashToken(input.token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (spent.numUpdatedRows === 0n) throw new AppError('AUTH', INVALID_LINK);
    if (await adminExists(trx)) throw new AppError('AUTH', INVALID_LINK);

    const user: UsersTable = {
      id: newId(),
      email: input.email.trim(),
      email_normalized: normalizeEmail(input.email),
      password_hash: passwordHash,
      is_admin: 1,
      created_at: now,
      disabled_at: null,
      password_change_required_at: null,
    };
    await trx.insertInto('users').values(user).execute();
    // Rights come from roles: the first admin holds "Admin" (the is_admin flag only marks the set-up).
    const roleId = await adminRoleId(trx, now);
    await trx.insertInto('user_roles').values({ user_id: user.id, role_id: roleId, assigned_at: now }).execute();
    // Every other outstanding link dies with the first admin.
    await trx.updateTable('bootstrap_tokens').set({ used_at: now }).where('used_at', 'is', null).execute();
    // In the same transaction: the admin exists exactly when its creation is on record.
    await recordAudit(trx, {
      action: 'auth.admin_bootstrapped',
      actorUserId: user.id,
      at: now,
      target: `user:${user.id}`,
      details: { email: user.email, roleId },
    });
    return user;
  });
}
