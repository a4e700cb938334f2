import { compactVerify, CompactSign, importJWK } from 'jose';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { POLICY_JWS_ALG } from '../../common/rbac/policy.js';
import type { ServerDatabase } from '../db/schema.js';
import type { WorkspaceInfo } from '../../common/api/server-admin.js';
import { workspaceInfoOf, type Workspace } from '../rbac/workspace.js';

/**
 * A signed statement "the audit log's entry #seq had hash H at time T", kept outside the database
 * (the server's log stream, an anchor file): whoever can write the database can drop the newest
 * entries or rewrite the whole tail consistently, which the hash chain alone cannot reveal; an anchor
 * kept elsewhere does (`audit verify --anchors FILE`). Signed with the workspace's Ed25519 key (sealed
 * by the server secret key), so an anchor cannot be forged to match a rewritten log. Its own JWS type
 * (RFC 8725 §3.11): never taken for a policy, nor a policy for an anchor.
 */
export const AUDIT_ANCHOR_JWS_TYPE = 'clientele-audit-anchor+jws';

export const AuditAnchor = z
  .object({
    workspaceId: z.string().min(1),
    seq: z.number().int().positive(),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    at: z.iso.datetime({ offset: true }),
  })
  .strict();
export type AuditAnchor = z.infer<typeof AuditAnchor>;

export type AuditHead = { seq: number; hash: string };

/** The newest entry of the log, or undefined while it is empty. */
export async function readAuditHead(db: Kysely<ServerDatabase>): Promise<AuditHead | undefined> {
  const row = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
}

export async function signAuditAnchor(workspace: Workspace, head: AuditHead, now: number): Promise<string> {
  const anchor: AuditAnchor = {
    workspaceId: workspace.info.workspaceId,
    seq: head.seq,
    hash: head.hash,
    at: new Date(now).toISOString(),
  };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(anchor)))
    .setProtectedHeader({ alg: POLICY_JWS_ALG, typ: AUDIT_ANCHOR_JWS_TYPE })
    .sign(workspace.privateKey);
}

/** The workspace's public key as the database holds it, and its fingerprint (what desktops pinned). */
export type AnchorKey = WorkspaceInfo;

export async function readAnchorKey(db: Kysely<ServerDatabase>): Promise<AnchorKey | undefined> {
  const row = await db.selectFrom('workspace').select(['id', 'public_key_jwk']).executeTakeFirst();
  return row && workspaceInfoOf(row);
}

/** The anchor a JWS states, or an Error saying why it is not one of this workspace's. */
export async function openAuditAnchor(jws: string, key: AnchorKey): Promise<AuditAnchor> {
  const publicKey = await importJWK(key.publicKeyJwk, POLICY_JWS_ALG);
  let verified: Awaited<ReturnType<typeof compactVerify>>;
  try {
    verified = await compactVerify(jws, publicKey, { algorithms: [POLICY_JWS_ALG] });
  } catch {
    throw new Error("its signature is not the workspace key's");
  }
  if (verified.protectedHeader.typ !== AUDIT_ANCHOR_JWS_TYPE) throw new Error('it is not an audit anchor');
  const parsed = AuditAnchor.safeParse(JSON.parse(new TextDecoder().decode(verified.payload)));
  if (!parsed.success) throw new Error('its content is not an audit anchor');
  if (parsed.data.workspaceId !== key.workspaceId) throw new Error('it was signed for another workspace');
  return parsed.data;
}

/**
 * The anchor JWSs in a text: one per line, either a line of the anchor file (`{"jws": ...}`), a line
 * of the server's JSON log (`{"auditAnchor": {"jws": ...}, ...}`: a log shipper's copy works as is),
 * or a bare JWS. Other lines (the rest of a log) are skipped.
 */
export function anchorJwsIn(text: string): string[] {
  const found: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(line)) {
      found.push(line);
      continue;
    }
    try {
      const value = JSON.parse(line) as { jws?: unknown; auditAnchor?: { jws?: unknown } };
      const jws = value.jws ?? value.auditAnchor?.jws;
      if (typeof jws === 'string') found.push(jws);
    } catch {
      // Not JSON: a line of something else.
    }
  }
  return found;
}
