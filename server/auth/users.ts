import type { Kysely } from 'kysely';
import type { ServerDatabase, UsersTable } from '../db/schema.js';
import { normalizeEmail } from './email.js';

export function findUserByEmail(db: Kysely<ServerDatabase>, email: string): Promise<UsersTable | undefined> {
  return db.selectFrom('users').selectAll().where('email_normalized', '=', normalizeEmail(email)).executeTakeFirst();
}

/** Whether the setup link was used: the is_admin flag marks that first account and authorizes nothing. */
export async function adminExists(db: Kysely<ServerDatabase>): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('is_admin', '=', 1).limit(1).executeTakeFirst();
  return row !== undefined;
}
