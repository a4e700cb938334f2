import { sql, type Kysely } from 'kysely';
import type { DatabaseKind } from '../db/database.js';
import type { ServerDatabase } from '../db/schema.js';
import { newId } from './tokens.js';

/**
 * Failed logins per account, kept in the database so every instance on one PostgreSQL sees the
 * same counts. The key is the normalized email whether or not an account exists, so throttling
 * tells an attacker nothing about which accounts are real.
 */
export const THROTTLE_POLICY = {
  windowMs: 60 * 60 * 1000,
  /** ASVS 5 V6.3.1: at most 100 failed attempts per hour per account. */
  maxFailuresPerWindow: 100,
  /** A user mistyping a few times waits for nothing. */
  freeFailures: 5,
  baseDelayMs: 1000,
  /**
   * The growing delay stops growing here: 5 free + 1, 2, 4, 8, 16 s then 30 s each lets the 100
   * failures of the cap happen in about 46 minutes, so the hourly cap stays the binding limit.
   */
  maxDelayMs: 30_000,
} as const;

/** The first key of PostgreSQL's two-key advisory locks for login throttling (the second: the account). */
const THROTTLE_LOCK_NAMESPACE = 7_270_003;

/** Allowed tries carry the id of the failure begin() recorded for them (see takeBack). */
export type ThrottleState =
  { allowed: true; attemptId: string } | { allowed: false; retryAfterMs: number; locked: boolean };
type Judgement = { allowed: true } | Exclude<ThrottleState, { allowed: true }>;

/** The delay owed after `failures` failures in the window: 0, then doubling from 1 s, at most 30 s. */
export function delayAfter(failures: number, policy = THROTTLE_POLICY): number {
  if (failures < policy.freeFailures) return 0;
  const exponent = Math.min(failures - policy.freeFailures, 30);
  return Math.min(policy.baseDelayMs * 2 ** exponent, policy.maxDelayMs);
}

export class LoginThrottle {
  constructor(
    private readonly db: Kysely<ServerDatabase>,
    private readonly kind: DatabaseKind,
    private readonly policy = THROTTLE_POLICY,
  ) {}

  /**
   * Checks the account and, when a try is allowed, records it as a failure up front, in one
   * transaction serialized per account: a burst of parallel requests can't all pass the check
   * before any failure is counted. A successful login then calls reset(), which removes it.
   */
  async begin(accountKey: string, now: number): Promise<ThrottleState> {
    return this.db.transaction().execute(async (trx) => {
      if (this.kind === 'postgres') {
        await sql`SELECT pg_advisory_xact_lock(${THROTTLE_LOCK_NAMESPACE}, hashtext(${accountKey}))`.execute(trx);
      }
      await trx
        .deleteFrom('login_attempts')
        .where('account_key', '=', accountKey)
        .where('attempted_at', '<=', now - this.policy.windowMs)
        .execute();
      const rows = await trx
        .selectFrom('login_attempts')
        .select('attempted_at')
        .where('account_key', '=', accountKey)
        .orderBy('attempted_at')
        .execute();
      const state = evaluate(
        rows.map((row) => row.attempted_at),
        now,
        this.policy,
      );
      if (!state.allowed) return state;
      const attemptId = newId();
      await trx
        .insertInto('login_attempts')
        .values({ id: attemptId, account_key: accountKey, attempted_at: now })
        .execute();
      return { allowed: true, attemptId };
    });
  }

  /** A successful login starts the account afresh (and takes back the failure begin() recorded). */
  async reset(accountKey: string): Promise<void> {
    await this.db.deleteFrom('login_attempts').where('account_key', '=', accountKey).execute();
  }

  /**
   * Takes back only the failure begin() recorded for one try that turned out right, leaving the
   * account's other failures counted. For checks made inside a session (a password change): whoever
   * holds a session and the password must not be able to wipe the count of wrong 2FA codes at sign-in.
   */
  async takeBack(attemptId: string): Promise<void> {
    await this.db.deleteFrom('login_attempts').where('id', '=', attemptId).execute();
  }
}

/** The state of an account from its failures in the window (oldest first). */
function evaluate(times: readonly number[], now: number, policy: typeof THROTTLE_POLICY): Judgement {
  const count = times.length;
  if (count >= policy.maxFailuresPerWindow) {
    // Locked until enough failures age out of the window to fall below the cap.
    const unlockAt = times[count - policy.maxFailuresPerWindow]! + policy.windowMs;
    return { allowed: false, retryAfterMs: Math.max(unlockAt - now, 1), locked: true };
  }
  const last = times[count - 1];
  if (last === undefined) return { allowed: true };
  const nextAllowedAt = last + delayAfter(count, policy);
  if (now < nextAllowedAt) return { allowed: false, retryAfterMs: nextAllowedAt - now, locked: false };
  return { allowed: true };
}
