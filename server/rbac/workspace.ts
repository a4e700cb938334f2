import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type CryptoKey } from 'jose';
import type { Kysely } from 'kysely';
import type { WorkspaceInfo } from '../../common/api/server-admin.js';
import { AppError } from '../../common/errors.js';
import { POLICY_JWS_ALG } from '../../common/rbac/policy.js';
import { newId } from '../auth/tokens.js';
import type { Clock } from '../clock.js';
import type { ServerDatabase, WorkspaceTable } from '../db/schema.js';
import { placeOf, WORKSPACE_PRIVATE_KEY } from '../secrets/sealed-columns.js';
import type { ServerSecrets } from '../secrets/server-secrets.js';

export type Workspace = {
  info: WorkspaceInfo;
  privateKey: CryptoKey;
  policyLifetimeHours: number;
};

export type WorkspaceDeps = { db: Kysely<ServerDatabase>; clock: Clock; secrets: ServerSecrets };

/**
 * The workspace row, made on first use: its id and an Ed25519 key pair. Instances that start together
 * each try to insert the one row (singleton = 1) and all keep whichever landed first, so every
 * instance signs with the same key. The private key lives in the database so stateless instances
 * share it, sealed with the server secret key (bound to the workspace id): reading the database
 * alone does not let anyone sign policies.
 */
const loaded = new WeakMap<object, Promise<Workspace>>();
const ready = new WeakMap<object, Workspace>();

/** The workspace of a database, loaded (or made) once per instance: it never changes while serving. */
export function workspaceOf(deps: WorkspaceDeps): Promise<Workspace> {
  let workspace = loaded.get(deps.db);
  if (!workspace) {
    workspace = loadWorkspace(deps.db, deps.secrets, deps.clock.now());
    // A failure (database down) must not stick: the next request tries again.
    workspace.then(
      (value) => ready.set(deps.db, value),
      () => loaded.delete(deps.db),
    );
    loaded.set(deps.db, workspace);
  }
  return workspace;
}

/** The workspace once loaded (the server loads it at start), without waiting; else undefined. */
export function workspaceIfLoaded(deps: WorkspaceDeps): Workspace | undefined {
  return ready.get(deps.db);
}

export async function loadWorkspace(
  db: Kysely<ServerDatabase>,
  secrets: ServerSecrets,
  now: number,
): Promise<Workspace> {
  let row = await db.selectFrom('workspace').selectAll().where('singleton', '=', 1).executeTakeFirst();
  if (!row) {
    const { publicKey, privateKey } = await generateKeyPair(POLICY_JWS_ALG, { crv: 'Ed25519', extractable: true });
    const id = newId();
    const candidate: WorkspaceTable = {
      singleton: 1,
      id,
      public_key_jwk: JSON.stringify(await exportJWK(publicKey)),
      private_key_sealed: secrets.seal(await exportPKCS8(privateKey), placeOf(WORKSPACE_PRIVATE_KEY, id)),
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
  return workspaceFromRow(row, secrets);
}

/**
 * A key that does not open is an error, never a reason to make a new key pair: every desktop pinned
 * this one and would refuse every policy signed with another.
 */
function openPrivateKey(row: WorkspaceTable, secrets: ServerSecrets): string {
  const opened = secrets.open(row.private_key_sealed, placeOf(WORKSPACE_PRIVATE_KEY, row.id));
  if (opened.ok) return opened.value;
  throw new AppError(
    opened.error.code,
    `The workspace signing key can't be read: ${opened.error.message} ` +
      'Start the server with the server secret key the database was sealed with (README: "Server secret key").',
  );
}

/** The public half of a workspace row: its id, public key and the key's RFC 7638 thumbprint. */
export async function workspaceInfoOf(row: Pick<WorkspaceTable, 'id' | 'public_key_jwk'>): Promise<WorkspaceInfo> {
  const jwk = JSON.parse(row.public_key_jwk) as { kty: 'OKP'; crv: 'Ed25519'; x: string };
  const publicKeyJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  return { workspaceId: row.id, publicKeyJwk, fingerprint: await calculateJwkThumbprint(publicKeyJwk, 'sha256') };
}

async function workspaceFromRow(row: WorkspaceTable, secrets: ServerSecrets): Promise<Workspace> {
  return {
    info: await workspaceInfoOf(row),
    privateKey: await importPKCS8(openPrivateKey(row, secrets), POLICY_JWS_ALG),
    policyLifetimeHours: Number(row.policy_lifetime_hours),
  };
}
