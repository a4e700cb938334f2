import { compactVerify, importJWK, type JWK } from 'jose';
import { POLICY_JWS_ALG, POLICY_JWS_TYPE, PolicyDocument, type PolicyRejection } from '../../common/rbac/policy.js';

/** Who this desktop is enrolled as: a policy for anyone else is refused. */
export type PinnedIdentity = { userId: string; workspaceId: string; publicKeyJwk: string };

export type PolicyVerdict =
  { ok: true; document: PolicyDocument } | { ok: false; code: PolicyRejection; message: string };

/**
 * Checks a signed policy against the enrollment and the policy already in force. Accepts it only when
 * the signature is valid with the pinned workspace key (EdDSA, policy type), it names the enrolled user
 * and workspace, it is not expired at `now`, and its version never goes back: an older version is a
 * replay; the same version must carry the same rights (the server may re-sign it only to renew its
 * expiry, so an equal version is taken when it is not older than the stored one).
 */
export async function verifyPolicy(
  jws: string,
  pinned: PinnedIdentity,
  stored: PolicyDocument | null,
  now: number,
): Promise<PolicyVerdict> {
  let payload: Uint8Array;
  try {
    const key = await importJWK(JSON.parse(pinned.publicKeyJwk) as JWK, POLICY_JWS_ALG);
    const verified = await compactVerify(jws, key, { algorithms: [POLICY_JWS_ALG] });
    if (verified.protectedHeader.typ !== POLICY_JWS_TYPE) {
      return reject('POLICY_SIGNATURE_INVALID', `The policy is not of type ${POLICY_JWS_TYPE}.`);
    }
    payload = verified.payload;
  } catch {
    // jose throws for malformed tokens and bad signatures alike; neither is a policy we may apply.
    return reject('POLICY_SIGNATURE_INVALID', 'The policy is not signed with the workspace key pinned at enrollment.');
  }

  let document: PolicyDocument;
  try {
    const parsed = PolicyDocument.safeParse(JSON.parse(new TextDecoder().decode(payload)));
    if (!parsed.success) return reject('POLICY_MALFORMED', 'The signed policy is not a valid policy document.');
    document = parsed.data;
  } catch {
    return reject('POLICY_MALFORMED', 'The signed policy is not JSON.');
  }

  if (document.userId !== pinned.userId) {
    return reject('POLICY_WRONG_USER', "The policy is another user's, not the enrolled user's.");
  }
  if (document.workspaceId !== pinned.workspaceId) {
    return reject('POLICY_WRONG_WORKSPACE', 'The policy belongs to another workspace.');
  }
  if (Date.parse(document.expiresAt) <= now) {
    return reject('POLICY_EXPIRED', `The policy expired at ${document.expiresAt}.`);
  }
  if (stored) {
    if (document.version < stored.version) {
      return reject(
        'POLICY_VERSION_ROLLBACK',
        `The policy is version ${document.version}, older than version ${stored.version} already in force.`,
      );
    }
    if (
      document.version === stored.version &&
      (canonical(rightsOf(document)) !== canonical(rightsOf(stored)) ||
        Date.parse(document.issuedAt) < Date.parse(stored.issuedAt))
    ) {
      return reject(
        'POLICY_VERSION_ROLLBACK',
        `The policy reuses version ${document.version} for different or older contents.`,
      );
    }
  }
  return { ok: true, document };
}

/** Parses a payload that was verified before (the stored policy), without re-checking expiry or version. */
export async function readVerifiedPolicy(jws: string, pinned: PinnedIdentity): Promise<PolicyDocument | null> {
  const verdict = await verifyPolicy(jws, pinned, null, Number.NEGATIVE_INFINITY);
  return verdict.ok ? verdict.document : null;
}

function reject(code: PolicyRejection, message: string): PolicyVerdict {
  return { ok: false, code, message };
}

function rightsOf(document: PolicyDocument): unknown {
  const { permissions, fieldRules, emailVisibility, grants, offlineGraceHours } = document;
  return { permissions, fieldRules, emailVisibility, grants, offlineGraceHours };
}

/** JSON with object keys sorted, so equal contents compare equal whatever order the server wrote. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
