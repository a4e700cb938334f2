import type { FastifyInstance } from 'fastify';
import { ok } from '../../../common/result.js';
import { recordAudit } from '../../audit/audit-log.js';
import type { ServerContext } from '../../context.js';
import { isFreshCopy, policyStateFor, readCopyJws, signPolicy, storeSignedCopy } from '../../rbac/compile-policy.js';
import { workspaceOf } from '../../rbac/workspace.js';
import { callerOf } from '../authorize.js';

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
  // the copy's JWS only for a fetch without If-None-Match.
  app.get('/api/policy', { config: { withPolicy: true } }, async (request, reply) => {
    const { user, compiled, policyRow } = callerOf(request);
    const now = context.clock.now();
    const workspace = await workspaceOf(context);
    const { rights, hash } = compiled;
    const { version, copy } = await policyStateFor(context.db, user.id, hash, now, policyRow);

    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch !== undefined) {
      const halfLife = (workspace.policyLifetimeHours * HOUR) / 2;
      // Usually the ETag is the stored copy's own (the desktop holds the newest copy): compared as
      // text; any other is parsed. Either way: 304 only for the current version and rights, and a
      // copy younger than half its lifetime.
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
        return reply
          .status(304)
          .header('etag', etagOf(version, hash, cached.issuedAt))
          .send();
      }
    }

    // The copy signed last for these very rights, still young: the same signed bytes again. Handing
    // out a policy already signed is not an issuance (nothing new is asserted), so it is not audited.
    // (A fetch with an ETag reads the copy's JWS only now, when it needs it: rarely, as a desktop's
    // ETag names the newest copy, so a stale ETag mostly means a stale copy too.)
    const jws =
      copy && isFreshCopy(copy, now) ? (copy.jws ?? (await readCopyJws(context.db, user.id, copy))) : undefined;
    if (copy && jws !== undefined) {
      return reply
        .header('content-type', 'application/jose')
        .header('etag', etagOf(version, hash, copy.issuedAt))
        .send(jws);
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
    return reply
      .header('content-type', 'application/jose')
      .header('etag', etagOf(issued.document.version, issued.rightsHash, now))
      .send(issued.jws);
  });
}
