import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GrantRequestInput } from '../../../common/api/server-grants.js';
import { ok } from '../../../common/result.js';
import type { ServerContext } from '../../context.js';
import { cancelGrant, grantsOf, requestGrant } from '../../grants/grant-requests.js';
import { callerOf, callerRights } from '../authorize.js';
import { parseBody } from '../parse-body.js';

export const GrantParams = z.object({ id: z.string().uuid() });

/**
 * A user's own just-in-time grants: ask for one (any signed-in user: lacking the permission is why
 * they ask), list theirs, cancel one. Approvers' routes are in grant-review.ts.
 */
export function registerGrantRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/grants', async (request, reply) => {
    const { user } = callerOf(request);
    const rights = await callerRights(context, request);
    const input = parseBody(GrantRequestInput, request.body);
    const view = await requestGrant(context, { id: user.id, email: user.email, rights }, input, context.clock.now());
    return reply.status(201).send(ok(view));
  });

  app.get('/api/grants/mine', async (request, reply) => {
    const { user } = callerOf(request);
    return reply.send(ok(await grantsOf(context, user.id, context.clock.now())));
  });

  app.post('/api/grants/:id/cancel', async (request, reply) => {
    const { user } = callerOf(request);
    const { id } = parseBody(GrantParams, request.params);
    return reply.send(ok(await cancelGrant(context, user.id, id, context.clock.now())));
  });
}
