import type { Kysely } from 'kysely';
import { AppError } from '../../common/errors.js';
import type { AccessGrantsTable, ServerDatabase } from '../db/schema.js';

export type GrantRow = AccessGrantsTable & { user_email: string };

/** Grants with their requester's email, for the views. */
export function grantsWithEmail(db: Kysely<ServerDatabase>) {
  return db
    .selectFrom('access_grants')
    .innerJoin('users', 'users.id', 'access_grants.user_id')
    .selectAll('access_grants')
    .select('users.email as user_email');
}

export function grantById(db: Kysely<ServerDatabase>, id: string): Promise<GrantRow | undefined> {
  return grantsWithEmail(db).where('access_grants.id', '=', id).executeTakeFirst();
}

/** The refusal for a grant past the state an action needs (or changed by someone else meanwhile). */
export function alreadyDecided(status: string | null): AppError {
  return new AppError(
    'CONFLICT',
    status === null
      ? 'Someone else decided this access request meanwhile.'
      : `This access request is ${status} already.`,
  );
}
