import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GrantApproveInput, GrantDecisionInput } from '../../../common/api/server-grants.js';
import { ok } from '../../../common/result.js';
import type { ServerContext } from '../../context.js';
import {
  activeFor,
  approveGrant,
  denyGrant,
  pendingFor,
  revokeGrant,
  type Approver,
} from '../../grants/grant-decisions.js';
import { historyFor } from '../../grants/grant-history.js';
import { callerOf, callerRights } from '../authorize.js';
import { parseBody } from '../parse-body.js';
import { GrantParams } from './grants.js';

/**
 * Approvers (users:edit, server/http/route-access.ts): the requests they may approve, the grants in
 * force they may revoke, the recently ended ones, and the decisions. Per request, grant-decisions.ts checks the requester is
 * within their scope, that it is not their own, and that their roles give what is asked.
 */
export function registerGrantReviewRoutes(app: FastifyInstance, context: ServerContext): void {
  const approverOf = async (request: FastifyRequest): Promise<Approver> => ({
    id: callerOf(request).user.id,
    rights: await callerRights(context, request),
  });

  app.get('/api/grants/pending', async (request, reply) => {
    return reply.send(ok(await pendingFor(context, await approverOf(request))));
  });

  app.get('/api/grants/active', async (request, reply) => {
    return reply.send(ok(await activeFor(context, await approverOf(request), context.clock.now())));
  });

  app.get('/api/grants/history', async (request, reply) => {
    return reply.send(ok(await historyFor(context, await approverOf(request), context.clock.now())));
  });

  app.post('/api/grants/:id/approve', async (request, reply) => {
    const { id } = parseBody(GrantParams, request.params);
    const input = parseBody(GrantApproveInput, request.body);
    return reply.send(ok(await approveGrant(context, await approverOf(request), id, input, context.clock.now())));
  });

  app.post('/api/grants/:id/deny', async (request, reply) => {
    const { id } = parseBody(GrantParams, request.params);
    const input = parseBody(GrantDecisionInput, request.body);
    return reply.send(ok(await denyGrant(context, await approverOf(request), id, input, context.clock.now())));
  });

  app.post('/api/grants/:id/revoke', async (request, reply) => {
    const { id } = parseBody(GrantParams, request.params);
    const input = parseBody(GrantDecisionInput, request.body);
    return reply.send(ok(await revokeGrant(context, await approverOf(request), id, input, context.clock.now())));
  });
}
