import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ok } from '../../../common/result.js';
import { recordAudit } from '../../audit/audit-log.js';
import type { ServerContext } from '../../context.js';
import {
  isFreshCopy,
  knownPolicyState,
  policyStateFor,
  readCopyJws,
  signPolicy,
  storeSignedCopy,
  type PolicyState,
} from '../../rbac/compile-policy.js';
import { workspaceIfLoaded, workspaceOf, type Workspace } from '../../rbac/workspace.js';
import { callerOf, type Caller } from '../authorize.js';

const HOUR = 3_600_000;

/**
 * The ETag names the version, the rights and when the copy was signed: `"v<version>.<hash>.<issuedAt>"`.
 * A matching If-None-Match gets 304 while the rights are unchanged and the client's copy is younger
 * than half its lifetime; after that it gets a freshly signed copy, so a desktop that keeps hitting
 * 304 still renews its expiry long before it runs out.
 */
function etagOf(version: number, hash: string, issuedAt: number): string {
  return `"v${version}.${hash.slice(0, 32)}.${issuedAt}"`;
}

function parseEtag(header: string | undefined): { version: number; hash: string; issuedAt: number } | null {
  const match = /^"v(\d+)\.([0-9a-f]{32})\.(\d+)"$/.exec(header?.trim() ?? '');
  if (!match) return null;
  return { version: Number(match[1]), hash: match[2]!, issuedAt: Number(match[3]) };
}

export function registerPolicyRoutes(app: FastifyInstance, context: ServerContext): void {
  // Public: what a desktop pins at enrollment (and shows as a fingerprint to compare).
  app.get('/api/workspace', async (_request, reply) => {
    const workspace = await workspaceOf(context);
    return reply.send(ok(workspace.info));
  });

  // The access hook reads the caller's policy_versions row with the session (one statement), with
  // the copy's JWS only for a fetch without If-None-Match. The usual answers (304, or the stored copy)
  // are given synchronously; a version bump, a JWS read late or a new signature go on asynchronously.
  app.get('/api/policy', { config: { withPolicy: true } }, (request, reply) => {
    const caller = callerOf(request);
    const now = context.clock.now();
    const workspace = workspaceIfLoaded(context);
    const state = knownPolicyState(caller.policyRow, caller.compiled.hash);
    if (workspace && state && answered(request, reply, workspace, caller.compiled.hash, state, now)) return;
    return answerLater(request, reply, caller, now);
  });

  // Resolves once the reply is sent (undefined: Fastify must not send anything more).
  async function answerLater(request: FastifyRequest, reply: FastifyReply, caller: Caller, now: number): Promise<void> {
    const { user, compiled, policyRow } = caller;
    const workspace = await workspaceOf(context);
    const { rights, hash } = compiled;
    const state = await policyStateFor(context.db, user.id, hash, now, policyRow);
    if (answered(request, reply, workspace, hash, state, now)) return;
    const { version, copy } = state;

    // (A fetch with an ETag reads the copy's JWS only now, when it needs it: rarely, as a desktop's
    // ETag names the newest copy, so a stale ETag mostly means a stale copy too.)
    const jws = copy && isFreshCopy(copy, now) ? await readCopyJws(context.db, user.id, copy) : undefined;
    if (copy && jws !== undefined) {
      sendCopy(reply, version, hash, copy.issuedAt, jws);
      return;
    }

    // A new signature: an issuance, kept as the copy for the next fetches and audited once.
    const issued = await signPolicy(workspace, user.id, rights, hash, version, now);
    await storeSignedCopy(context.db, user.id, issued);
    await recordAudit(context.db, {
      action: 'policy.issued',
      actorUserId: user.id,
      at: now,
      target: `policy:${issued.document.version}`,
      details: { version: issued.document.version, expiresAt: issued.document.expiresAt },
    });
    sendCopy(reply, issued.document.version, issued.rightsHash, now, issued.jws);
  }
}

/**
 * 304 to an ETag of the current version and rights whose copy is younger than half its lifetime, or
 * the stored copy, signed for these very rights and still young, when its JWS was read with the
 * caller. Handing out a policy already signed is not an issuance (nothing new is asserted), so it is
 * not audited. False when neither applies.
 */
function answered(
  request: FastifyRequest,
  reply: FastifyReply,
  workspace: Workspace,
  hash: string,
  { version, copy }: PolicyState,
  now: number,
): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const halfLife = (workspace.policyLifetimeHours * HOUR) / 2;
    // Usually the ETag is the stored copy's own (the desktop holds the newest copy): compared as
    // text; any other is parsed.
    const short = hash.slice(0, 32);
    const cached =
      copy && ifNoneMatch === etagOf(version, hash, copy.issuedAt)
        ? { version, hash: short, issuedAt: copy.issuedAt }
        : parseEtag(ifNoneMatch);
    if (
      cached &&
      cached.issuedAt + halfLife > now &&
      cached.issuedAt <= now &&
      cached.version === version &&
      cached.hash === short
    ) {
      reply
        .status(304)
        .header('etag', etagOf(version, hash, cached.issuedAt))
        .send();
      return true;
    }
  }
  if (copy?.jws !== undefined && isFreshCopy(copy, now)) {
    sendCopy(reply, version, hash, copy.issuedAt, copy.jws);
    return true;
  }
  return false;
}

function sendCopy(reply: FastifyReply, version: number, hash: string, issuedAt: number, jws: string): FastifyReply {
  return reply
    .header('content-type', 'application/jose')
    .header('etag', etagOf(version, hash, issuedAt))
    .send(jws);
}
