import { calculateJwkThumbprint } from 'jose';
import type { LoginOutput } from '../../common/api/server-auth.js';
import type { TeamEnrollInput, TeamStatus } from '../../common/api/team.js';
import { AppError } from '../../common/errors.js';
import { offlineDeadline } from '../../common/rbac/policy.js';
import type { TeamEnrollment } from '../store/repositories/team-repository.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import { readVerifiedPolicy, verifyPolicy } from './policy-verifier.js';
import type { ServerPolicySource } from './server-policy-source.js';
import { TeamServerClient } from './team-client.js';
import { TEAM_SESSION_SECRET } from './team-session.js';

export type EnrollmentDeps = {
  store: Store;
  serverPolicies: ServerPolicySource;
  log: Logger;
  fetch?: typeof globalThis.fetch;
};

/**
 * Enrolls the profile with a team server. Signs in, reads the workspace and pins its key, fetches the
 * first policy and verifies it against that key, and only then stores everything in one transaction:
 * the enrollment, the sealed session token and the policy in force. Any failure (wrong password, unreachable
 * server, a key that does not match its fingerprint, a policy that does not verify) stores nothing,
 * and the profile stays as it was.
 */
export async function enrollWithTeamServer(input: TeamEnrollInput, deps: EnrollmentDeps): Promise<void> {
  const client = new TeamServerClient(input.serverUrl, deps.fetch);
  const login = await client.login(input.email, input.password, input.secondFactorCode);
  await enrollWithSession(client, login, input, deps);
}

/**
 * The rest of an enrollment once a sign-in (password, or single sign-on: team-sso-flow.ts) gave a
 * session: the same checks and the same all-or-nothing store whichever way the user signed in.
 */
export async function enrollWithSession(
  client: TeamServerClient,
  login: LoginOutput,
  input: { serverUrl: string; expectedFingerprint?: string | undefined },
  deps: EnrollmentDeps,
): Promise<void> {
  // The session this profile held: ended once the new one is stored, and only on the same server
  // (no other server may learn it). A refused enrollment leaves it working.
  const enrolledHere = deps.store.team.enrollment()?.serverUrl === input.serverUrl;
  const previousToken = enrolledHere ? deps.store.secrets.get(TEAM_SESSION_SECRET) : null;
  try {
    const workspace = await client.workspace();
    const fingerprint = await calculateJwkThumbprint(workspace.publicKeyJwk, 'sha256');
    if (fingerprint !== workspace.fingerprint) {
      throw new AppError('AUTH', 'The team server sent a workspace key that does not match its own fingerprint.');
    }
    if (input.expectedFingerprint !== undefined && input.expectedFingerprint !== fingerprint) {
      throw new AppError(
        'AUTH',
        `The workspace key's fingerprint is ${fingerprint}, not the ${input.expectedFingerprint} you expected.`,
      );
    }
    const pinned = {
      userId: login.user.id,
      workspaceId: workspace.workspaceId,
      publicKeyJwk: JSON.stringify(workspace.publicKeyJwk),
    };
    const { store } = deps;
    const existing = store.team.enrollment();
    assertSameWorkspace(existing, pinned);
    const { jws, etag } = await client.policy(login.token);
    const verdict = await verifyPolicy(jws, pinned, null, deps.serverPolicies.now());
    if (!verdict.ok) throw new AppError('AUTH', `The team server's policy was refused: ${verdict.message}`);

    // Signing in again as the same user at the same address (an expired session) keeps the policy in
    // force: the new one must pass the version check against it before the new session is kept.
    const sameLink = existing !== null && existing.userId === pinned.userId && existing.serverUrl === input.serverUrl;
    if (sameLink) {
      const accepted = await deps.serverPolicies.accept(jws, etag);
      if (!accepted.ok) throw new AppError('AUTH', `The team server's policy was refused: ${accepted.message}`);
      store.secrets.put(TEAM_SESSION_SECRET, login.token);
    } else {
      // A new link: enrollment, session and the policy verified above land together or not at all.
      const now = new Date(deps.serverPolicies.now());
      store.db.transaction(() => {
        store.team.enroll({ serverUrl: input.serverUrl, ...pinned }, now);
        store.secrets.put(TEAM_SESSION_SECRET, login.token);
        store.team.savePolicy({ version: verdict.document.version, jws, etag }, now);
      })();
    }
    deps.log.info({ server: input.serverUrl, workspace: workspace.workspaceId }, 'enrolled with the team server');
    if (previousToken && previousToken !== login.token) await client.logout(previousToken);
  } catch (error) {
    await client.logout(login.token);
    throw error;
  }
}

/**
 * An enrolled profile may sign in again (its session expired, the server moved) but only to the
 * workspace and key it pinned: otherwise any user able to run a server could enroll their desktop
 * with it and sign themselves every right. Leaving a team server is a separate, later step.
 */
function assertSameWorkspace(
  existing: TeamEnrollment | null,
  pinned: Omit<TeamEnrollment, 'serverUrl' | 'enrolledAt'>,
): void {
  if (!existing) return;
  if (existing.workspaceId !== pinned.workspaceId || existing.publicKeyJwk !== pinned.publicKeyJwk) {
    throw new AppError(
      'CONFLICT',
      `This profile is enrolled with workspace ${existing.workspaceId} and its pinned key; this server ` +
        `${existing.workspaceId === pinned.workspaceId ? 'now presents another key' : 'is another workspace'}. ` +
        'Nothing was changed.',
    );
  }
}

export async function teamStatus(store: Store): Promise<TeamStatus> {
  const enrollment = store.team.enrollment();
  if (!enrollment) {
    return {
      enrolled: false,
      serverUrl: null,
      userId: null,
      workspaceId: null,
      workspaceFingerprint: null,
      enrolledAt: null,
      policy: null,
    };
  }
  const stored = store.team.policy();
  const document = stored ? await readVerifiedPolicy(stored.jws, enrollment) : null;
  return {
    enrolled: true,
    serverUrl: enrollment.serverUrl,
    userId: enrollment.userId,
    workspaceId: enrollment.workspaceId,
    workspaceFingerprint: await calculateJwkThumbprint(
      JSON.parse(enrollment.publicKeyJwk) as { kty: string },
      'sha256',
    ),
    enrolledAt: enrollment.enrolledAt,
    policy:
      stored && document
        ? {
            version: document.version,
            issuedAt: document.issuedAt,
            expiresAt: document.expiresAt,
            receivedAt: stored.receivedAt,
            offlineGraceHours: document.offlineGraceHours,
            worksOfflineUntil: new Date(offlineDeadline(document)).toISOString(),
          }
        : null,
  };
}
