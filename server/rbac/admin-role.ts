import type { Kysely } from 'kysely';
import { newId } from '../auth/tokens.js';
import type { ServerDatabase } from '../db/schema.js';
import { SEED_ROLES } from './seed-roles.js';

/**
 * The id of the "Admin" role the first admin is given, made again from its seed (every right) if it
 * is missing: the setup link must always yield an account able to administer the workspace.
 */
export async function adminRoleId(db: Kysely<ServerDatabase>, now: number): Promise<string> {
  const existing = await db.selectFrom('roles').select('id').where('name', '=', 'Admin').executeTakeFirst();
  if (existing) return existing.id;
  const seed = SEED_ROLES.find((role) => role.name === 'Admin')!;
  const id = newId();
  await db
    .insertInto('roles')
    .values({
      id,
      name: seed.name,
      permissions: JSON.stringify(seed.permissions),
      field_rules: JSON.stringify(seed.fieldRules),
      email_visibility: seed.emailVisibility,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}
