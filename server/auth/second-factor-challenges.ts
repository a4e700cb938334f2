import type { Kysely } from 'kysely';
import type { ServerDatabase, SignInChallengeKind, UsersTable } from '../db/schema.js';
import { hashToken, newId, newToken } from './tokens.js';

/** Long enough to open an authenticator app; short so a leaked challenge is soon worthless. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

/**
 * A challenge for a user whose password was right: the token is returned once, only its hash is kept.
 * `kind` is the step that redeems it: the second factor, or choosing a new password in place of a
 * temporary one (server/auth/required-password.ts); each step finds only its own kind.
 */
export async function issueChallenge(
  db: Kysely<ServerDatabase>,
  userId: string,
  now: number,
  kind: SignInChallengeKind = 'second_factor',
): Promise<{ challenge: string; expiresAt: number }> {
  const challenge = newToken();
  const expiresAt = now + CHALLENGE_TTL_MS;
  // Expired challenges of anyone go here: no separate sweeper, the table stays small.
  await db.deleteFrom('second_factor_challenges').where('expires_at', '<=', now).execute();
  await db
    .insertInto('second_factor_challenges')
    .values({
      id: newId(),
      token_hash: hashToken(challenge),
      user_id: userId,
      created_at: now,
      expires_at: expiresAt,
      used_at: null,
      kind,
    })
    .execute();
  return { challenge, expiresAt };
}

/** The user of a live (unused, unexpired) challenge of this kind, while their account is enabled. */
export async function findChallengeUser(
  db: Kysely<ServerDatabase>,
  challenge: string,
  now: number,
  kind: SignInChallengeKind = 'second_factor',
): Promise<UsersTable | undefined> {
  const row = await db
    .selectFrom('second_factor_challenges as c')
    .innerJoin('users', 'users.id', 'c.user_id')
    .selectAll('users')
    .where('c.token_hash', '=', hashToken(challenge))
    .where('c.kind', '=', kind)
    .where('c.used_at', 'is', null)
    .where('c.expires_at', '>', now)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  return row;
}

/** Spends a challenge of this kind; false when another request spent it first. */
export async function spendChallenge(
  db: Kysely<ServerDatabase>,
  challenge: string,
  now: number,
  kind: SignInChallengeKind = 'second_factor',
): Promise<boolean> {
  const result = await db
    .updateTable('second_factor_challenges')
    .set({ used_at: now })
    .where('token_hash', '=', hashToken(challenge))
    .where('kind', '=', kind)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Ends a user's sign-ins waiting for their second factor or their new password: each challenge proves
 * the password it was issued for, so a password changed or reset, or a second factor removed, leaves
 * none behind.
 */
export async function dropChallengesOf(db: Kysely<ServerDatabase>, userId: string): Promise<void> {
  await db.deleteFrom('second_factor_challenges').where('user_id', '=', userId).execute();
}
