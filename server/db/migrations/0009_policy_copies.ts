import type { Kysely } from 'kysely';

/**
 * Each user's last signed policy beside its version and rights hash: a fetch without an ETag (a
 * desktop after a restart, a lost copy) gets that copy while its rights are unchanged and it is
 * younger than half its lifetime, instead of a new signature (and a new `policy.issued` entry) per
 * request. A version bump clears it (server/rbac/compile-policy.ts). Not a secret: it is what the
 * user's desktop receives and stores.
 */
// The migration works on the database before later migrations exist, so it sees no typed schema.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Compact JWS of the copy; null until the first signature (and after a version bump).
  await db.schema.alterTable('policy_versions').addColumn('jws', 'text').execute();
  // Its issuedAt and expiresAt (ms): freshness is judged on the copy's own lifetime.
  await db.schema.alterTable('policy_versions').addColumn('issued_at', 'bigint').execute();
  await db.schema.alterTable('policy_versions').addColumn('expires_at', 'bigint').execute();
}
