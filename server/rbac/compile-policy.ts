import { createHash } from 'node:crypto';
import { CompactSign } from 'jose';
import type { Kysely } from 'kysely';
import { combineRoles } from '../../common/rbac/evaluate.js';
import { POLICY_JWS_ALG, POLICY_JWS_TYPE, type PolicyDocument } from '../../common/rbac/policy.js';
import { canonicalJson } from '../audit/canonical-json.js';
import type { ServerDatabase } from '../db/schema.js';
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
  workspace: Workspace,
  now: number,
): Promise<CompiledRights> {
  const combined = combineRoles(await rolesOfUser(db, userId));
  const grants = await liveGrantsOf(db, userId, now);
  return { ...combined, grants, offlineGraceHours: workspace.offlineGraceHours };
}

export function rightsHash(rights: CompiledRights): string {
  return createHash('sha256').update(canonicalJson(rights), 'utf8').digest('hex');
}

/**
 * The user's policy version for these rights: 1 the first time, then one more each time the compiled
 * rights differ from the last ones. Both writes are single-row and conditional, so concurrent
 * fetches on several instances bump a change once. Almost every fetch finds the rights unchanged:
 * one read answers it, and the writes (a write lock on SQLite, row locks and WAL on PostgreSQL) only
 * run when the row is missing or the hash moved (bench/policy-fetch.bench.mjs measured them as a
 * large part of each fetch).
 */
export async function policyVersionFor(
  db: Kysely<ServerDatabase>,
  userId: string,
  hash: string,
  now: number,
): Promise<number> {
  const current = await db
    .selectFrom('policy_versions')
    .select(['version', 'rights_hash'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (current?.rights_hash === hash) return Number(current.version);
  await db
    .insertInto('policy_versions')
    .values({ user_id: userId, rights_hash: hash, version: 1, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
  await db
    .updateTable('policy_versions')
    .set((eb) => ({ rights_hash: hash, version: eb('version', '+', 1), updated_at: now }))
    .where('user_id', '=', userId)
    .where('rights_hash', '!=', hash)
    .execute();
  const row = await db
    .selectFrom('policy_versions')
    .select('version')
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.version);
}

/** Compiles, versions and signs the user's policy as the desktop's verifier expects (main/rbac/policy-verifier.ts). */
export async function issuePolicy(
  db: Kysely<ServerDatabase>,
  workspace: Workspace,
  userId: string,
  now: number,
): Promise<IssuedPolicy> {
  const rights = await compileRights(db, userId, workspace, now);
  const hash = rightsHash(rights);
  const version = await policyVersionFor(db, userId, hash, now);
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
