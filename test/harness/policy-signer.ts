import { CompactSign, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { POLICY_JWS_ALG, POLICY_JWS_TYPE, type PolicyDocument } from '../../common/rbac/policy.js';

/**
 * Plays the team server's signing side: a workspace Ed25519 key pair and signed policies, so the
 * desktop's verification can be tested without the server.
 */
export type TestSigner = {
  publicKeyJwk: string;
  sign(document: PolicyDocument | Record<string, unknown>, header?: { typ?: string }): Promise<string>;
};

export async function makeSigner(): Promise<TestSigner> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return {
    publicKeyJwk: JSON.stringify(await exportJWK(publicKey)),
    sign: (document, header) => signWith(privateKey, document, header),
  };
}

export async function signWith(
  privateKey: CryptoKey,
  document: unknown,
  header: { typ?: string } = {},
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(document)))
    .setProtectedHeader({ alg: POLICY_JWS_ALG, typ: header.typ ?? POLICY_JWS_TYPE })
    .sign(privateKey);
}

const HOUR = 3_600_000;

/** A policy document valid from `now` for `validHours`, with everything else overridable. */
export function policyDocument(now: number, overrides: Partial<PolicyDocument> = {}, validHours = 24): PolicyDocument {
  return {
    userId: 'user-rep',
    workspaceId: 'ws-acme',
    version: 1,
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + validHours * HOUR).toISOString(),
    permissions: { contact: { view: 'team', edit: 'own' }, deal: { view: 'team' }, email: { view: 'own' } },
    fieldRules: {},
    emailVisibility: 'full',
    grants: [],
    offlineGraceHours: 72,
    ...overrides,
  };
}
