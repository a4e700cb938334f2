import { z } from 'zod';
import { EmailVisibility, FieldRules, Grant, PermissionTable, type Policy } from './permissions.js';
import { effectivePermissions, emailVisibilityOf } from './evaluate.js';

/**
 * The signed policy (issue 7): what the team server compiles for one user from all their roles and
 * grants, signed as a compact JWS with the workspace's Ed25519 key. The desktop checks it and
 * enforces it with the same evaluator (evaluate.ts) the server uses.
 *
 * Wire format: `GET {server}/api/policy` answers 200 with the compact JWS as the body
 * (`Content-Type: application/jose`) and an `ETag`, or 304 to a matching `If-None-Match`.
 * JWS protected header: `{ alg: 'EdDSA', typ: POLICY_JWS_TYPE }`; payload: the JSON of a PolicyDocument.
 */
export const POLICY_JWS_ALG = 'EdDSA';
/** Explicit typing (RFC 8725 §3.11): a token the same key signs for another purpose is never taken for a policy. */
export const POLICY_JWS_TYPE = 'clientele-policy+jws';

export const DEFAULT_OFFLINE_GRACE_HOURS = 72;
/** The longest offline grace an admin may set: 90 days. */
export const MAX_OFFLINE_GRACE_HOURS = 24 * 90;
/** Hours past a policy's expiry that a desktop which cannot reach the server keeps it (0: none). */
export const OfflineGraceHours = z.number().int().min(0).max(MAX_OFFLINE_GRACE_HOURS);

export const PolicyDocument = z
  .object({
    userId: z.string().min(1).max(200),
    workspaceId: z.string().min(1).max(200),
    /** Grows with every change the server makes to this user's rights; never goes back. */
    version: z.number().int().nonnegative(),
    issuedAt: z.iso.datetime({ offset: true }),
    /** After this the policy holds only for the offline grace, then the desktop locks read-only. */
    expiresAt: z.iso.datetime({ offset: true }),
    permissions: PermissionTable,
    fieldRules: FieldRules,
    emailVisibility: EmailVisibility,
    grants: z.array(Grant),
    /** Set by the admin: how long past expiresAt a desktop that cannot reach the server keeps the policy. */
    offlineGraceHours: OfflineGraceHours.default(DEFAULT_OFFLINE_GRACE_HOURS),
  })
  .strict();
export type PolicyDocument = z.infer<typeof PolicyDocument>;

/** Why a policy was refused; the previous good policy stays in force whatever the reason. */
export const PolicyRejection = z.enum([
  /** Not a compact JWS, not JSON, or not a PolicyDocument. */
  'POLICY_MALFORMED',
  /** Not signed with the pinned workspace key, or not with EdDSA / the policy type. */
  'POLICY_SIGNATURE_INVALID',
  'POLICY_WRONG_USER',
  'POLICY_WRONG_WORKSPACE',
  /** Older than the stored one (a replay), or the same version with different contents. */
  'POLICY_VERSION_ROLLBACK',
  'POLICY_EXPIRED',
]);
export type PolicyRejection = z.infer<typeof PolicyRejection>;

/** The time (ms since the epoch) after which an offline desktop stops trusting the policy. */
export function offlineDeadline(document: PolicyDocument): number {
  return Date.parse(document.expiresAt) + document.offlineGraceHours * 3_600_000;
}

/** The policy the evaluator applies, from a verified document. */
export function toPolicy(document: PolicyDocument): Policy {
  return {
    source: 'server',
    userId: document.userId,
    permissions: document.permissions,
    fieldRules: document.fieldRules,
    emailVisibility: document.emailVisibility,
    grants: document.grants,
  };
}

/**
 * What the user may do right now (policy.get), for the UI to hide what is forbidden. Security never
 * depends on it: the core checks every call.
 */
export const PolicyView = z.object({
  source: z.enum(['local', 'server']),
  /** Effective scopes: roles and live grants combined, the read-only lock applied. */
  permissions: PermissionTable,
  fieldRules: FieldRules,
  emailVisibility: EmailVisibility,
  /** Set while the profile is locked read-only (policy expired offline, or none received yet). */
  readOnlyReason: z.string().nullable(),
});
export type PolicyView = z.infer<typeof PolicyView>;

export function viewOfPolicy(policy: Policy, now: number): PolicyView {
  return {
    source: policy.source,
    permissions: effectivePermissions(policy, now),
    fieldRules: policy.fieldRules ?? {},
    emailVisibility: emailVisibilityOf(policy),
    readOnlyReason: policy.readOnlyReason ?? null,
  };
}
