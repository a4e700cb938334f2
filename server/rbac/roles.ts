import type { Kysely } from 'kysely';
import type { RoleView } from '../../common/api/server-admin.js';
import { EmailVisibility, FieldRules, PermissionTable } from '../../common/rbac/permissions.js';
import type { RolesTable, ServerDatabase } from '../db/schema.js';

/** A stored role back in the shapes of common/rbac (checked again: the JSON is only text to the database). */
export function roleFromRow(row: RolesTable): RoleView {
  return {
    id: row.id,
    name: row.name,
    permissions: PermissionTable.parse(JSON.parse(row.permissions)),
    fieldRules: FieldRules.parse(JSON.parse(row.field_rules)),
    emailVisibility: EmailVisibility.parse(row.email_visibility),
  };
}

export async function rolesOfUser(db: Kysely<ServerDatabase>, userId: string): Promise<RoleView[]> {
  const rows = await db
    .selectFrom('roles')
    .innerJoin('user_roles', 'user_roles.role_id', 'roles.id')
    .selectAll('roles')
    .where('user_roles.user_id', '=', userId)
    .orderBy('roles.name')
    .execute();
  return rows.map(roleFromRow);
}
