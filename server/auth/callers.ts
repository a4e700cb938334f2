import type { CallerRights } from '../rbac/caller-rights.js';
import type { PolicyRow } from '../rbac/compile-policy.js';
import { RightsMemo, type CompiledCallerRights } from '../rbac/rights-memo.js';
import type { Kysely } from 'kysely';
import type { ServerDatabase, SessionsTable, UsersTable } from '../db/schema.js';
import { expireDueGrants } from '../grants/grant-expiry.js';
import { POLICY_COPY, POLICY_NONE, type CallerReader, type CallerRow, type PolicyRead } from './caller-query.js';
import type { ActiveSession, SessionStore } from './sessions.js';
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
  /** The workspace's offline grace (part of the policy's rights). */
  offlineGraceHours: () => Promise<number>;
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
  private grace: number | undefined;

  constructor(private readonly deps: CallerStoreDeps) {}

  async load(token: string, now: number, policy: PolicyRead = POLICY_NONE): Promise<LoadedCaller | undefined> {
    const row = await this.deps.reader.read(hashToken(token), policy);
    if (!row || row.revoked_at !== null || Number(row.expires_at) <= now || row.disabled_at !== null) return undefined;
    const session = sessionOf(row);
    const touched = this.deps.sessions.touchIfDue(session, now);
    if (touched) await touched;
    const user = userOf(row);

    const texts = { roles: row.roles, grants: row.grants };
    // The workspace row is loaded once per instance and does not change while serving (workspace.ts).
    const grace = (this.grace ??= await this.deps.offlineGraceHours());
    let compiled = this.memo.compile(texts, grace, now);
    if (compiled === 'due') {
      // A grant ran out: marked expired (and `grant.expired` recorded once) before it is left out.
      await expireDueGrants(this.deps.db, now, user.id);
      compiled = this.memo.compileLive(texts, grace, now);
    }
    const rights: CallerRights = {
      userId: user.id,
      roles: compiled.roles,
      grants: compiled.grants,
      policy: { source: 'server', userId: user.id, permissions: compiled.roles.permissions, grants: compiled.grants },
      now,
    };
    const loaded: LoadedCaller = { session, user, hasSecondFactor: Boolean(row.has_totp), rights, compiled };
    if (policy !== POLICY_NONE) {
      loaded.policyRow =
        row.pv_version === null || row.pv_version === undefined
          ? null
          : {
              version: Number(row.pv_version),
              rights_hash: row.pv_rights_hash!,
              // Left out of the read (POLICY_VERSION): undefined, fetched if needed.
              jws: policy === POLICY_COPY ? (row.pv_jws ?? null) : undefined,
              issued_at: row.pv_issued_at === null || row.pv_issued_at === undefined ? null : Number(row.pv_issued_at),
              expires_at:
                row.pv_expires_at === null || row.pv_expires_at === undefined ? null : Number(row.pv_expires_at),
            };
    }
    return loaded;
  }
}

function sessionOf(row: CallerRow): SessionsTable {
  return {
    id: row.id,
    token_hash: row.token_hash,
    user_id: row.user_id,
    created_at: Number(row.created_at),
    last_seen_at: Number(row.last_seen_at),
    expires_at: Number(row.expires_at),
    revoked_at: row.revoked_at,
    auth_method: row.auth_method,
  };
}

function userOf(row: CallerRow): UsersTable {
  return {
    id: row.user_id,
    email: row.email,
    email_normalized: row.email_normalized,
    password_hash: row.password_hash,
    is_admin: Number(row.is_admin),
    created_at: Number(row.user_created_at),
    disabled_at: row.disabled_at,
  };
}
