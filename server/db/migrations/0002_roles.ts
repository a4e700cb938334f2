import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { SEED_ROLES } from '../../rbac/seed-roles.js';

/**
 * The workspace (its id and signing key), teams, roles and who holds them, and each user's policy
 * version: the RBAC slice of issue 7.
 */
// The migration works on the database before later migrations exist, so it sees no typed schema.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row (singleton = 1). The key pair is made on first start (server/rbac/workspace.ts), not here,
  // so a migration stays a pure schema step.
  await db.schema
    .createTable('workspace')
    .addColumn('singleton', 'integer', (col) => col.primaryKey())
    .addColumn('id', 'text', (col) => col.notNull())
    .addColumn('public_key_jwk', 'text', (col) => col.notNull())
    /** PKCS8 PEM; shared through the database so stateless instances sign with one key. 0007 seals it. */
    .addColumn('private_key_pkcs8', 'text', (col) => col.notNull())
    .addColumn('policy_lifetime_hours', 'integer', (col) => col.notNull().defaultTo(24))
    .addColumn('offline_grace_hours', 'integer', (col) => col.notNull().defaultTo(72))
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('teams')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('parent_id', 'text', (col) => col.references('teams.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('team_members')
    .addColumn('team_id', 'text', (col) => col.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('is_manager', 'integer', (col) => col.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'user_id'])
    .execute();
  await db.schema.createIndex('team_members_user').on('team_members').column('user_id').execute();

  await db.schema
    .createTable('roles')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull().unique())
    // JSON in the shapes of common/rbac (PermissionTable, FieldRules), checked by zod on the way in and out.
    .addColumn('permissions', 'text', (col) => col.notNull())
    .addColumn('field_rules', 'text', (col) => col.notNull())
    .addColumn('email_visibility', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('user_roles')
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role_id', 'text', (col) => col.notNull().references('roles.id').onDelete('cascade'))
    .addColumn('assigned_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role_id'])
    .execute();
  await db.schema.createIndex('user_roles_role').on('user_roles').column('role_id').execute();

  // The hash of the rights last compiled for the user and their version: the version grows only
  // when the rights change, so desktops can refuse an older one (a replay).
  await db.schema
    .createTable('policy_versions')
    .addColumn('user_id', 'text', (col) => col.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('rights_hash', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();

  const now = Date.now();
  const seeded = db as unknown as Kysely<{ roles: Record<string, string | number> }>;
  for (const role of SEED_ROLES) {
    await seeded
      .insertInto('roles')
      .values({
        id: randomUUID(),
        name: role.name,
        permissions: JSON.stringify(role.permissions),
        field_rules: JSON.stringify(role.fieldRules),
        email_visibility: role.emailVisibility,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
}
