import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../common/errors.js';
import { combineRoles, type RoleGrants } from '../../common/rbac/evaluate.js';
import { PermissionTable } from '../../common/rbac/permissions.js';
import type { ServerContext } from '../context.js';
import { lockedTransaction } from '../db/locked-transaction.js';
import type { ServerDatabase } from '../db/schema.js';
import { assertStillReaches, type ReachCheck } from './reach.js';
import { rolesOfUser } from './roles.js';

/** PostgreSQL advisory lock namespace for changes to roles and who holds them. */
const ROLE_CHANGE_LOCK = { namespace: 7_270_005, name: 'roles' };

export const LAST_USER_ADMIN =
  'This would leave nobody able to administer users (edit users for the whole workspace): give that right to someone else first.';

/**
 * Runs a change to roles or role assignments in one transaction, serialized across instances, and
 * refuses it (409, rolled back) when it would leave the workspace with nobody holding users:edit at
 * scope 'all' from their roles while somebody held it before: nobody can strip the last of them,
 * themselves included. Serializing matters: two admins each removing the other's role at once must
 * not both see the other still in place. `work` gets what the caller's roles give as read under the
 * lock, so a role taken from them a moment ago is not handed on.
 */
export function roleChange<T>(
  context: ServerContext,
  callerId: string,
  work: (trx: Transaction<ServerDatabase>, held: Required<RoleGrants>) => Promise<T>,
  over?: ReachCheck,
): Promise<T> {
  return underRoleLock(
    context,
    callerId,
    async (trx, held) => {
      const before = await userAdministratorExists(trx);
      const result = await work(trx, held);
      if (before && !(await userAdministratorExists(trx))) throw new AppError('CONFLICT', LAST_USER_ADMIN);
      return result;
    },
    over,
  );
}

/**
 * A transaction under the lock role changes take, with what the caller's roles give as read under
 * it. For work that judges someone's rights against the caller's (an admin resetting a password):
 * a role given to the target or taken from the caller meanwhile is seen, not raced. With `over`, the
 * caller's reach over that user is judged again first, under the team lock too (server/rbac/reach.ts).
 */
export function underRoleLock<T>(
  context: ServerContext,
  callerId: string,
  work: (trx: Transaction<ServerDatabase>, held: Required<RoleGrants>) => Promise<T>,
  over?: ReachCheck,
): Promise<T> {
  return lockedTransaction(context.db, context.kind, ROLE_CHANGE_LOCK, async (trx) => {
    if (over) await assertStillReaches(trx, context.kind, callerId, over);
    return work(trx, combineRoles(await rolesOfUser(trx, callerId)));
  });
}

/** Whether some enabled user holds a role with users:edit at scope 'all'. */
export async function userAdministratorExists(db: Kysely<ServerDatabase>): Promise<boolean> {
  const roles = await db.selectFrom('roles').select(['id', 'permissions']).execute();
  const adminRoles = roles
    .filter((role) => PermissionTable.parse(JSON.parse(role.permissions)).users?.edit === 'all')
    .map((role) => role.id);
  if (adminRoles.length === 0) return false;
  const holder = await db
    .selectFrom('user_roles')
    .innerJoin('users', 'users.id', 'user_roles.user_id')
    .select('users.id')
    .where('user_roles.role_id', 'in', adminRoles)
    .where('users.disabled_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return holder !== undefined;
}
