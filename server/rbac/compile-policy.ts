import { createHash } from 'node:crypto';
import { CompactSign } from 'jose';
import type { Kysely } from 'kysely';
import { combineRoles } from '../../common/rbac/evaluate.js';
import { POLICY_JWS_ALG, POLICY_JWS_TYPE, type PolicyDocument } from '../../common/rbac/policy.js';
import { canonicalJson } from '../audit/canonical-json.js';
import type { PolicyVersionsTable, ServerDatabase } from '../db/schema.js';
import { liveGrantsOf } from '../grants/grant-expiry.js';
import { rolesOfUser } from './roles.js';
import type { Workspace } from './workspace.js';

const HOUR = 3_600_000;

/** What a user may do, without the timestamps: its hash decides whether the version moves. */
export type CompiledRights = Pick<
  PolicyDocument,
  'permissions' | 'fieldRules' | 'emailVisibility' | 'grants' | 'offlineGraceHours'
>;

export type IssuedPolicy = { jws: string; document: PolicyDocument; rightsHash: string };

/**
 * The user's roles combined with common/rbac's combineRoles (widest grant wins, a field deny always
 * wins), and their just-in-time grants in force at `now`. Grants are part of the rights (and of
 * their hash): approving, cancelling, revoking or the expiry of a grant moves the version like a
 * role change does.
 */
export async function compileRights(
  db: Kysely<ServerDatabase>,
  userId: string,
  offlineGraceHours: number,
  now: number,
): Promise<CompiledRights> {
  const combined = combineRoles(await rolesOfUser(db, userId));
  const grants = await liveGrantsOf(db, userId, now);
  return { ...combined, grants, offlineGraceHours };
}

export function rightsHash(rights: CompiledRights): string {
  return createHash('sha256').update(canonicalJson(rights), 'utf8').digest('hex');
}

/** The user's current policy version and, when one was signed for it, the last signed copy. */
export type PolicyState = { version: number; copy: SignedCopy | null };

/**
 * A signed policy kept in policy_versions (migration 0009): its JWS (undefined when the read left it
 * out: readCopyJws fetches it), version, rights hash and timestamps.
 */
export type SignedCopy = {
  jws: string | undefined;
  version: number;
  rightsHash: string;
  issuedAt: number;
  expiresAt: number;
};

/**
 * A signed copy may be handed out again while it is younger than half its own lifetime: the desktop
 * then holds at least half a lifetime of validity, as a 304 to its ETag guarantees
 * (server/http/routes/policy.ts).
 */
export function isFreshCopy(copy: { issuedAt: number; expiresAt: number }, now: number): boolean {
  return copy.issuedAt <= now && now < copy.issuedAt + (copy.expiresAt - copy.issuedAt) / 2;
}

/** A policy_versions row as read; `jws` undefined when the read left it out (server/auth/caller-query.ts). */
export type PolicyRow = Pick<PolicyVersionsTable, 'version' | 'rights_hash' | 'issued_at' | 'expires_at'> & {
  jws: string | null | undefined;
};

/** The copy a policy_versions row holds for its current version and hash, if one was signed. */
export function copyOfRow(row: PolicyRow): SignedCopy | null {
  if (row.jws === null || row.issued_at === null || row.expires_at === null) return null;
  return {
    jws: row.jws,
    version: Number(row.version),
    rightsHash: row.rights_hash,
    issuedAt: Number(row.issued_at),
    expiresAt: Number(row.expires_at),
  };
}

/** The state a row already read gives for these rights, or undefined when they moved (policyStateFor bumps). */
export function knownPolicyState(row: PolicyRow | null | undefined, hash: string): PolicyState | undefined {
  if (!row || row.rights_hash !== hash) return undefined;
  return { version: Number(row.version), copy: copyOfRow(row) };
}

/**
 * The user's policy version for these rights: 1 the first time, then one more each time the compiled
 * rights differ from the last ones. Both writes are single-row and conditional, so concurrent
 * fetches on several instances bump a change once; the bump clears the stored copy, which was signed
 * for the old rights. Almost every fetch finds the rights unchanged: one read answers it (or none,
 * when the caller already read the row: `known`), and the writes (a write lock on SQLite, row locks
 * and WAL on PostgreSQL) only run when the row is missing or the hash moved.
 */
export async function policyStateFor(
  db: Kysely<ServerDatabase>,
  userId: string,
  hash: string,
  now: number,
  known?: PolicyRow | null,
): Promise<PolicyState> {
  const current =
    known !== undefined
      ? known
      : await db
          .selectFrom('policy_versions')
          .select(['version', 'rights_hash', 'jws', 'issued_at', 'expires_at'])
          .where('user_id', '=', userId)
          .executeTakeFirst();
  const state = knownPolicyState(current, hash);
  if (state) return state;
  await db
    .insertInto('policy_versions')
    .values({
      user_id: userId,
      rights_hash: hash,
      version: 1,
      updated_at: now,
      jws: null,
      issued_at: null,
      expires_at: null,
    })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
  await db
    .updateTable('policy_versions')
    .set((eb) => ({
      rights_hash: hash,
      version: eb('version', '+', 1),
      updated_at: now,
      jws: null,
      issued_at: null,
      expires_at: null,
    }))
    .where('user_id', '=', userId)
    .where('rights_hash', '!=', hash)
    .execute();
  const row = await db
    .selectFrom('policy_versions')
    .select(['version', 'rights_hash', 'jws', 'issued_at', 'expires_at'])
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  // Another instance may have moved it on meanwhile: its copy counts only for these rights.
  return { version: Number(row.version), copy: row.rights_hash === hash ? copyOfRow(row) : null };
}

/** The JWS of a copy read without it, if the row still holds that very copy (else undefined: sign anew). */
export async function readCopyJws(
  db: Kysely<ServerDatabase>,
  userId: string,
  copy: SignedCopy,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('policy_versions')
    .select('jws')
    .where('user_id', '=', userId)
    .where('version', '=', copy.version)
    .where('rights_hash', '=', copy.rightsHash)
    .where('issued_at', '=', copy.issuedAt)
    .executeTakeFirst();
  return row?.jws ?? undefined;
}

/** Signs the user's policy for these rights and version, as the desktop's verifier expects (main/rbac/policy-verifier.ts). */
export async function signPolicy(
  workspace: Workspace,
  userId: string,
  rights: CompiledRights,
  hash: string,
  version: number,
  now: number,
): Promise<IssuedPolicy> {
  const document: PolicyDocument = {
    userId,
    workspaceId: workspace.info.workspaceId,
    version,
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + workspace.policyLifetimeHours * HOUR).toISOString(),
    ...rights,
  };
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(document)))
    .setProtectedHeader({ alg: POLICY_JWS_ALG, typ: POLICY_JWS_TYPE })
    .sign(workspace.privateKey);
  return { jws, document, rightsHash: hash };
}

/**
 * Keeps a new signature as the user's copy: only while its version and rights are still the current
 * ones (a bump meanwhile leaves the row alone) and only over an older copy, so the stored issuedAt
 * never goes back (a desktop refuses an equal version signed earlier than the copy it holds).
 */
export async function storeSignedCopy(
  db: Kysely<ServerDatabase>,
  userId: string,
  issued: IssuedPolicy,
): Promise<boolean> {
  const issuedAt = Date.parse(issued.document.issuedAt);
  const result = await db
    .updateTable('policy_versions')
    .set({ jws: issued.jws, issued_at: issuedAt, expires_at: Date.parse(issued.document.expiresAt) })
    .where('user_id', '=', userId)
    .where('version', '=', issued.document.version)
    .where('rights_hash', '=', issued.rightsHash)
    .where((eb) => eb.or([eb('issued_at', 'is', null), eb('issued_at', '<', issuedAt)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
