import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type CryptoKey } from 'jose';
import type { Kysely } from 'kysely';
import type { WorkspaceInfo } from '../../common/api/server-admin.js';
import { POLICY_JWS_ALG } from '../../common/rbac/policy.js';
import { newId } from '../auth/tokens.js';
import type { ServerDatabase, WorkspaceTable } from '../db/schema.js';

export type Workspace = {
  info: WorkspaceInfo;
  privateKey: CryptoKey;
  policyLifetimeHours: number;
  offlineGraceHours: number;
};

/**
 * The workspace row, made on first use: its id and an Ed25519 key pair. Instances that start together
 * each try to insert the one row (singleton = 1) and all keep whichever landed first, so every
 * instance signs with the same key. The private key lives in the database as PKCS8 so stateless
 * instances share it; it should be encrypted at rest with a server secret (not yet done).
 */
const loaded = new WeakMap<object, Promise<Workspace>>();

/** The workspace of a database, loaded (or made) once per instance: it never changes while serving. */
export function workspaceOf(db: Kysely<ServerDatabase>, now: () => number): Promise<Workspace> {
  let workspace = loaded.get(db);
  if (!workspace) {
    workspace = loadWorkspace(db, now());
    // A failure (database down) must not stick: the next request tries again.
    workspace.catch(() => loaded.delete(db));
    loaded.set(db, workspace);
  }
  return workspace;
}

export async function loadWorkspace(db: Kysely<ServerDatabase>, now: number): Promise<Workspace> {
  let row = await db.selectFrom('workspace').selectAll().where('singleton', '=', 1).executeTakeFirst();
  if (!row) {
    const { publicKey, privateKey } = await generateKeyPair(POLICY_JWS_ALG, { crv: 'Ed25519', extractable: true });
    const candidate: WorkspaceTable = {
      singleton: 1,
      id: newId(),
      public_key_jwk: JSON.stringify(await exportJWK(publicKey)),
      private_key_pkcs8: await exportPKCS8(privateKey),
      policy_lifetime_hours: 24,
      offline_grace_hours: 72,
      created_at: now,
    };
    await db
      .insertInto('workspace')
      .values(candidate)
      .onConflict((oc) => oc.column('singleton').doNothing())
      .execute();
    row = await db.selectFrom('workspace').selectAll().where('singleton', '=', 1).executeTakeFirstOrThrow();
  }
  return workspaceFromRow(row);
}

async function workspaceFromRow(row: WorkspaceTable): Promise<Workspace> {
  const jwk = JSON.parse(row.public_key_jwk) as { kty: 'OKP'; crv: 'Ed25519'; x: string };
  const publicKeyJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  return {
    info: {
      workspaceId: row.id,
      publicKeyJwk,
      fingerprint: await calculateJwkThumbprint(publicKeyJwk, 'sha256'),
    },
    privateKey: await importPKCS8(row.private_key_pkcs8, POLICY_JWS_ALG),
    policyLifetimeHours: Number(row.policy_lifetime_hours),
    offlineGraceHours: Number(row.offline_grace_hours),
  };
}
