import type { Kysely } from 'kysely';
import type { ServerDatabase, SessionAuthMethod, SessionsTable, UsersTable } from '../db/schema.js';
import { hashToken, newId, newToken } from './tokens.js';

/**
 * Sliding expiry: each use pushes the end to now + idle, never past created + absolute. The desktop
 * syncs its policy every minute or two, so an idle session is one whose device is off for two weeks.
 */
export const SESSION_POLICY = {
  idleMs: 14 * 24 * 60 * 60 * 1000,
  absoluteMs: 30 * 24 * 60 * 60 * 1000,
  /** last_seen_at is written at most this often, so reads don't each cost a write. */
  touchEveryMs: 60 * 1000,
} as const;

/**
 * The user of a session as requests see it: never the password hash, which only login reads, nor
 * whether the password must change (no session is given while it must: server/auth/required-password.ts).
 */
export type SessionUser = Omit<UsersTable, 'password_hash' | 'password_change_required_at'>;

export type ActiveSession = { session: SessionsTable; user: SessionUser };

export class SessionStore {
  constructor(
    private readonly db: Kysely<ServerDatabase>,
    private readonly policy = SESSION_POLICY,
  ) {}

  /** A new session with a fresh token; the token itself is returned once and never stored. */
  async create(
    userId: string,
    now: number,
    authMethod: SessionAuthMethod = 'password',
  ): Promise<{ token: string; session: SessionsTable }> {
    const token = newToken();
    const session: SessionsTable = {
      id: newId(),
      token_hash: hashToken(token),
      user_id: userId,
      created_at: now,
      last_seen_at: now,
      expires_at: Math.min(now + this.policy.idleMs, now + this.policy.absoluteMs),
      revoked_at: null,
      auth_method: authMethod,
    };
    await this.db.insertInto('sessions').values(session).execute();
    return { token, session };
  }

  /** The live session of a token (not revoked, not expired, user not disabled), its expiry slid forward. */
  async authenticate(token: string, now: number): Promise<ActiveSession | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('sessions')
      .select([
        'users.email',
        'users.email_normalized',
        'users.is_admin',
        'users.created_at as user_created_at',
        'users.disabled_at',
      ])
      .where('sessions.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || row.expires_at <= now || row.disabled_at !== null) return undefined;

    const session: SessionsTable = {
      id: row.id,
      token_hash: row.token_hash,
      user_id: row.user_id,
      created_at: row.created_at,
      last_seen_at: row.last_seen_at,
      expires_at: row.expires_at,
      revoked_at: row.revoked_at,
      auth_method: row.auth_method,
    };
    await this.touchIfDue(session, now);
    const user: SessionUser = {
      id: row.user_id,
      email: row.email,
      email_normalized: row.email_normalized,
      is_admin: row.is_admin,
      created_at: row.user_created_at,
      disabled_at: row.disabled_at,
    };
    return { session, user };
  }

  /**
   * Slides a live session's expiry (now + idle, never past created + absolute), writing at most once
   * per `touchEveryMs` (a minute): reads don't each cost a write, and an expiry computed from a
   * last_seen_at up to a minute old is at most a minute early. Updates `session` in place; returns the
   * write to wait for, or undefined when none was due.
   */
  touchIfDue(session: SessionsTable, now: number): Promise<void> | undefined {
    if (now - session.last_seen_at < this.policy.touchEveryMs) return undefined;
    session.last_seen_at = now;
    session.expires_at = Math.min(now + this.policy.idleMs, session.created_at + this.policy.absoluteMs);
    return this.db
      .updateTable('sessions')
      .set({ last_seen_at: session.last_seen_at, expires_at: session.expires_at })
      .where('id', '=', session.id)
      .where('revoked_at', 'is', null)
      .execute()
      .then(() => undefined);
  }

  /** Revokes the session of a token (logout, or rotation at login); false when it was not live. */
  async revokeByToken(token: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('sessions')
      .set({ revoked_at: now })
      .where('token_hash', '=', hashToken(token))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** An admin's revoke of one session by its id. */
  async revokeById(sessionId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('sessions')
      .set({ revoked_at: now })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Every live session of a user (password change, account disabled, "sign out everywhere"). */
  revokeAllForUser(userId: string, now: number): Promise<number> {
    return revokeSessionsOfUser(this.db, userId, now);
  }
}

/**
 * Revokes every live session of a user but `keep` (the one changing its own password), or only those
 * opened by `method` (an unlinked single sign-on identity), or only those opened by `openedBy` (an
 * IdP's logout, which concerns the sessions that existed when it was sent), on `db` or inside a
 * caller's transaction, so the revocation commits with the change that calls for it.
 */
export async function revokeSessionsOfUser(
  db: Kysely<ServerDatabase>,
  userId: string,
  now: number,
  only: { keep?: string | undefined; method?: SessionAuthMethod; openedBy?: number } = {},
): Promise<number> {
  let update = db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (only.keep !== undefined) update = update.where('id', '!=', only.keep);
  if (only.method !== undefined) update = update.where('auth_method', '=', only.method);
  if (only.openedBy !== undefined) update = update.where('created_at', '<=', only.openedBy);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
