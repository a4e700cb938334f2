import type { Kysely } from 'kysely';
import type { SsoDesktopStart } from '../../common/api/server-sso.js';
import type { ServerDatabase, SsoPendingTable } from '../db/schema.js';
import { hashToken, newId, newToken } from '../auth/tokens.js';

/** Long enough to type a password and a code at the IdP; short so a stolen state is soon worthless. */
export const PENDING_TTL_MS = 10 * 60_000;

export type NewPending = {
  nonce: string;
  codeVerifier: string;
  /** The server's callback as sent to the IdP. */
  redirectUri: string;
  desktop: SsoDesktopStart | undefined;
};

/** What the start hands out: `state` goes to the IdP, `browserBinding` into a cookie; neither is stored. */
export type CreatedPending = { id: string; state: string; browserBinding: string; expiresAt: number };

export async function createPending(
  db: Kysely<ServerDatabase>,
  pending: NewPending,
  now: number,
): Promise<CreatedPending> {
  const state = newToken();
  const browserBinding = newToken();
  const id = newId();
  const expiresAt = now + PENDING_TTL_MS;
  // Expired sign-ins of anyone go here: no sweeper, the table stays small.
  await db.deleteFrom('sso_pending').where('expires_at', '<=', now).execute();
  await db
    .insertInto('sso_pending')
    .values({
      id,
      state_hash: hashToken(state),
      nonce: pending.nonce,
      code_verifier: pending.codeVerifier,
      redirect_uri: pending.redirectUri,
      browser_binding_hash: hashToken(browserBinding),
      client_redirect_uri: pending.desktop?.redirect_uri ?? null,
      client_code_challenge: pending.desktop?.code_challenge ?? null,
      client_state: pending.desktop?.state ?? null,
      created_at: now,
      expires_at: expiresAt,
      used_at: null,
    })
    .execute();
  return { id, state, browserBinding, expiresAt };
}

export type ConsumedPending =
  | { kind: 'pending'; pending: SsoPendingTable }
  | { kind: 'refused'; reason: 'state_unknown' | 'state_replayed' | 'state_expired' };

/**
 * Spends the sign-in a callback's `state` names: one conditional UPDATE, so of two requests carrying
 * the same state (a replayed callback, a double submit) exactly one gets it, on any instance.
 */
export async function consumePending(db: Kysely<ServerDatabase>, state: string, now: number): Promise<ConsumedPending> {
  const stateHash = hashToken(state);
  const spent = await db
    .updateTable('sso_pending')
    .set({ used_at: now })
    .where('state_hash', '=', stateHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  const row = await db.selectFrom('sso_pending').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
  if (spent.numUpdatedRows > 0n && row) return { kind: 'pending', pending: row };
  if (!row) return { kind: 'refused', reason: 'state_unknown' };
  return { kind: 'refused', reason: row.used_at !== null ? 'state_replayed' : 'state_expired' };
}
