import type { FastifyInstance } from 'fastify';
import type { AuditVerifyView } from '../../../common/api/server-admin-audit.js';
import { ok } from '../../../common/result.js';
import { verifyAuditChain } from '../../audit/verify-chain.js';
import type { ServerContext } from '../../context.js';

/**
 * The chain check of `npm run server -- audit verify`, for the audit page. It walks the whole log
 * (keyset pages of 1,000), so the page asks for it once when opened, not with every page of entries.
 */
export function registerAdminAuditVerifyRoute(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/admin/audit/verify', async (request, reply) => {
    const report: AuditVerifyView = await verifyAuditChain(context.db);
    return reply.send(ok(report));
  });
}
