import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { SEED_ROLES } from '../../rbac/seed-roles.js';

/**
 * Authorization by roles (issue 7's RBAC slice): just-in-time grants and their maximum duration,
 * the bootstrap admins given the "Admin" role (the `is_admin` flag no longer authorizes anything),
 * and the seeded roles' workspace-settings rights narrowed to their own desktop.
 */
// The migration works on the database before later migrations exist, so it sees no typed schema.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A user's request for one extra permission for a while, and what became of it.
  await db.schema
    .createTable('access_grants')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('object', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('scope', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('requested_minutes', 'integer', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status IN ('pending', 'approved', 'denied', 'cancelled', 'revoked', 'expired')`),
    )
    .addColumn('requested_at', 'bigint', (col) => col.notNull())
    // Who approved or denied it; kept as text without a foreign key so a deleted approver's record stays.
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'bigint')
    .addColumn('approved_minutes', 'integer')
    .addColumn('expires_at', 'bigint')
    .addColumn('ended_by', 'text')
    .addColumn('ended_at', 'bigint')
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('access_grants_user').on('access_grants').columns(['user_id', 'status']).execute();
  // The expiry sweep looks for approved grants past their end.
  await db.schema.createIndex('access_grants_due').on('access_grants').columns(['status', 'expires_at']).execute();

  await db.schema
    .alterTable('workspace_settings')
    .addColumn('grant_max_minutes', 'integer', (col) => col.notNull().defaultTo(480))
    .execute();

  const typed = db as unknown as Kysely<{
    roles: {
      id: string;
      name: string;
      permissions: string;
      field_rules: string;
      email_visibility: string;
      created_at: number;
      updated_at: number;
    };
    users: { id: string; is_admin: number };
    user_roles: { user_id: string; role_id: string; assigned_at: number };
  }>;
  const now = Date.now();

  // The bootstrap admin's rights now come from the "Admin" role. Should it have been renamed, an
  // "Admin" role with every right is made again, so no existing admin loses access by this upgrade.
  const admin = SEED_ROLES.find((role) => role.name === 'Admin')!;
  let adminRole = await typed.selectFrom('roles').select('id').where('name', '=', 'Admin').executeTakeFirst();
  if (!adminRole) {
    adminRole = { id: randomUUID() };
    await typed
      .insertInto('roles')
      .values({
        id: adminRole.id,
        name: admin.name,
        permissions: JSON.stringify(admin.permissions),
        field_rules: JSON.stringify(admin.fieldRules),
        email_visibility: admin.emailVisibility,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  const admins = await typed.selectFrom('users').select('id').where('is_admin', '=', 1).execute();
  for (const user of admins) {
    await typed
      .insertInto('user_roles')
      .values({ user_id: user.id, role_id: adminRole.id, assigned_at: now })
      .onConflict((oc) => oc.columns(['user_id', 'role_id']).doNothing())
      .execute();
  }

  // Workspace settings (2FA requirement, IP allowlist) now follow `settings` at scope 'all'; the
  // seeded rep and manager roles had 'all' only so their own desktop settings were editable, which
  // 'own' still allows. Only the untouched seed value is narrowed: what an admin chose stays.
  for (const name of ['Sales manager', 'Sales rep']) {
    const role = await typed
      .selectFrom('roles')
      .select(['id', 'permissions'])
      .where('name', '=', name)
      .executeTakeFirst();
    if (!role) continue;
    const permissions = JSON.parse(role.permissions) as Record<string, Record<string, string>>;
    const settings = permissions.settings;
    if (!settings || Object.keys(settings).length !== 2 || settings.view !== 'all' || settings.edit !== 'all') continue;
    permissions.settings = { view: 'own', edit: 'own' };
    await typed
      .updateTable('roles')
      .set({ permissions: JSON.stringify(permissions), updated_at: now })
      .where('id', '=', role.id)
      .execute();
  }
}
