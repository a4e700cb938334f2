import { createHash, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ServerDatabase } from '../db/schema.js';
import { hashToken, newId, newToken } from '../auth/tokens.js';

/** The desktop exchanges the code the moment its loopback receives it; two minutes is slack enough. */
export const EXCHANGE_CODE_TTL_MS = 2 * 60_000;

/** RFC 7636 4.6: BASE64URL(SHA256(code_verifier)). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** A one-time code for a desktop whose sign-in the IdP confirmed; only its hash is kept. */
export async function issueExchangeCode(
  db: Kysely<ServerDatabase>,
  grant: { userId: string; codeChallenge: string; redirectUri: string; details: Record<string, unknown> },
  now: number,
): Promise<string> {
  const code = newToken();
  await db.deleteFrom('sso_exchange_codes').where('expires_at', '<=', now).execute();
  await db
    .insertInto('sso_exchange_codes')
    .values({
      id: newId(),
      code_hash: hashToken(code),
      user_id: grant.userId,
      code_challenge: grant.codeChallenge,
      redirect_uri: grant.redirectUri,
      details: JSON.stringify(grant.details),
      created_at: now,
      expires_at: now + EXCHANGE_CODE_TTL_MS,
      used_at: null,
    })
    .execute();
  return code;
}

export type Redeemed =
  | { kind: 'redeemed'; userId: string; details: Record<string, unknown> }
  | { kind: 'refused'; reason: 'code_invalid' | 'verifier_mismatch' | 'redirect_mismatch' };

/**
 * Spends a code (first, so a wrong verifier burns it: whoever intercepted it gets one try, like
 * RFC 6749 10.5 asks), then checks that the caller holds the verifier of the challenge the desktop
 * sent at the start, and names the same loopback redirect.
 */
export async function redeemExchangeCode(
  db: Kysely<ServerDatabase>,
  input: { code: string; codeVerifier: string; redirectUri: string },
  now: number,
): Promise<Redeemed> {
  const codeHash = hashToken(input.code);
  const spent = await db
    .updateTable('sso_exchange_codes')
    .set({ used_at: now })
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (spent.numUpdatedRows === 0n) return { kind: 'refused', reason: 'code_invalid' };
  const row = await db
    .selectFrom('sso_exchange_codes')
    .selectAll()
    .where('code_hash', '=', codeHash)
    .executeTakeFirstOrThrow();
  const expected = Buffer.from(row.code_challenge, 'ascii');
  const actual = Buffer.from(s256(input.codeVerifier), 'ascii');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    return { kind: 'refused', reason: 'verifier_mismatch' };
  }
  if (row.redirect_uri !== input.redirectUri) return { kind: 'refused', reason: 'redirect_mismatch' };
  return { kind: 'redeemed', userId: row.user_id, details: JSON.parse(row.details) as Record<string, unknown> };
}
