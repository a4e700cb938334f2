import type { FastifyInstance } from 'fastify';
import { ok } from '../../../common/result.js';
import { recordAudit } from '../../audit/audit-log.js';
import type { ServerContext } from '../../context.js';
import { compileRights, policyVersionFor, issuePolicy, rightsHash } from '../../rbac/compile-policy.js';
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

  app.get('/api/policy', async (request, reply) => {
    const { user } = callerOf(request);
    const now = context.clock.now();
    const workspace = await workspaceOf(context);

    const cached = parseEtag(request.headers['if-none-match']);
    if (cached) {
      const hash = rightsHash(await compileRights(context.db, user.id, workspace, now));
      const version = await policyVersionFor(context.db, user.id, hash, now);
      const fresh = cached.issuedAt + (workspace.policyLifetimeHours * HOUR) / 2 > now && cached.issuedAt <= now;
      if (fresh && cached.version === version && cached.hash === hash.slice(0, 32)) {
        return reply
          .status(304)
          .header('etag', etagOf(version, hash, cached.issuedAt))
          .send();
      }
    }

    const issued = await issuePolicy(context.db, workspace, user.id, now);
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
