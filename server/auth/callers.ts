import type { CallerRights } from '../rbac/caller-rights.js';
import type { PolicyRow } from '../rbac/compile-policy.js';
import { RightsMemo, type CompiledCallerRights } from '../rbac/rights-memo.js';
import type { Kysely } from 'kysely';
import type { ServerDatabase, SessionAuthMethod, SessionsTable } from '../db/schema.js';
import { expireDueGrants } from '../grants/grant-expiry.js';
import { after, type MaybePromise } from '../maybe-promise.js';
import type { CallerReader } from './caller-query.js';
import { COL, POLICY_COPY, POLICY_NONE, type CallerRow, type PolicyRead } from './caller-sql.js';
import type { ActiveSession, SessionStore, SessionUser } from './sessions.js';
import { hashToken } from './tokens.js';

/** A signed-in caller with everything authorization needs, from one read (server/auth/caller-query.ts). */
export type LoadedCaller = ActiveSession & {
  /** TOTP turned on (for the workspace's require-2FA rule). */
  hasSecondFactor: boolean;
  /** Roles and live grants, judged by common/rbac as on the desktop. */
  rights: CallerRights;
  /** The same rights as the signed policy carries them, and their hash. */
  compiled: CompiledCallerRights;
  /** Read only when asked for (the policy route): the user's policy_versions row, null when none yet. */
  policyRow?: PolicyRow | null;
};

export type CallerStoreDeps = {
  db: Kysely<ServerDatabase>;
  reader: CallerReader;
  sessions: SessionStore;
  /**
   * The workspace's offline grace (part of the policy's rights): a setting the admin edits, read
   * through the settings' short cache (synchronous while it holds them).
   */
  offlineGraceHours: () => MaybePromise<number>;
};

/**
 * Authenticates a session token and loads the caller's rights on every request, from the database:
 * nothing about a session, a user or their rights is kept between requests, so a revocation, a
 * disabled account or a changed role or grant committed before a request arrives decides that
 * request, on every instance. What is kept per instance is only the compiled form of rights texts
 * (RightsMemo, keyed by the texts themselves).
 */
export class CallerStore {
  readonly memo = new RightsMemo();

  constructor(private readonly deps: CallerStoreDeps) {}

  /** After the reader's answer, synchronous when nothing has to wait (no touch or expiry due). */
  load(token: string, now: number, policy: PolicyRead = POLICY_NONE): MaybePromise<LoadedCaller | undefined> {
    return after(this.deps.reader.read(hashToken(token), policy, now), (row) => this.fromRow(row, now, policy));
  }

  private fromRow(row: CallerRow | undefined, now: number, policy: PolicyRead): MaybePromise<LoadedCaller | undefined> {
    if (!row || row[COL.revoked_at] !== null || Number(row[COL.expires_at]) <= now || row[COL.disabled_at] !== null) {
      return undefined;
    }
    const session = sessionOf(row);
    const touched = this.deps.sessions.touchIfDue(session, now);
    if (touched) return touched.then(() => this.withRights(row, session, now, policy));
    return this.withRights(row, session, now, policy);
  }

  private withRights(
    row: CallerRow,
    session: SessionsTable,
    now: number,
    policy: PolicyRead,
  ): MaybePromise<LoadedCaller> {
    return after(this.deps.offlineGraceHours(), (grace) => this.compiled(row, session, now, policy, grace));
  }

  private compiled(
    row: CallerRow,
    session: SessionsTable,
    now: number,
    policy: PolicyRead,
    grace: number,
  ): MaybePromise<LoadedCaller> {
    const texts = { roles: row[COL.roles] as string, grants: row[COL.grants] as string };
    const compiled = this.memo.compile(texts, grace, now);
    if (compiled === 'due') {
      // A grant ran out: marked expired (and `grant.expired` recorded once) before it is left out.
      return expireDueGrants(this.deps.db, now, session.user_id).then(() =>
        assemble(row, session, this.memo.compileLive(texts, grace, now), now, policy),
      );
    }
    return assemble(row, session, compiled, now, policy);
  }
}

function assemble(
  row: CallerRow,
  session: SessionsTable,
  compiled: CompiledCallerRights,
  now: number,
  policy: PolicyRead,
): LoadedCaller {
  const user = userOf(row);
  const rights: CallerRights = {
    userId: user.id,
    roles: compiled.roles,
    grants: compiled.grants,
    policy: { source: 'server', userId: user.id, permissions: compiled.roles.permissions, grants: compiled.grants },
    now,
  };
  const loaded: LoadedCaller = { session, user, hasSecondFactor: Boolean(row[COL.has_totp]), rights, compiled };
  if (policy !== POLICY_NONE) loaded.policyRow = policyRowOf(row, policy);
  return loaded;
}

const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

function policyRowOf(row: CallerRow, policy: PolicyRead): PolicyRow | null {
  if (row[COL.pv_version] === null || row[COL.pv_version] === undefined) return null;
  return {
    version: num(row[COL.pv_version]),
    rights_hash: row[COL.pv_rights_hash] as string,
    // Left out of the read (POLICY_VERSION): undefined, fetched if needed.
    jws: policy === POLICY_COPY ? ((row[COL.pv_jws] as string | null) ?? null) : undefined,
    issued_at: numOrNull(row[COL.pv_issued_at]),
    expires_at: numOrNull(row[COL.pv_expires_at]),
  };
}

function sessionOf(row: CallerRow): SessionsTable {
  return {
    id: row[COL.id] as string,
    token_hash: row[COL.token_hash] as string,
    user_id: row[COL.user_id] as string,
    created_at: num(row[COL.created_at]),
    last_seen_at: num(row[COL.last_seen_at]),
    expires_at: num(row[COL.expires_at]),
    revoked_at: numOrNull(row[COL.revoked_at]),
    auth_method: row[COL.auth_method] as SessionAuthMethod,
  };
}

function userOf(row: CallerRow): SessionUser {
  return {
    id: row[COL.user_id] as string,
    email: row[COL.email] as string,
    email_normalized: row[COL.email_normalized] as string,
    is_admin: num(row[COL.is_admin]),
    created_at: num(row[COL.user_created_at]),
    disabled_at: numOrNull(row[COL.disabled_at]),
  };
}
