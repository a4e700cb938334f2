import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../common/errors.js';
import { ok } from '../../../common/result.js';
import { recordAudit } from '../../audit/audit-log.js';
import type { ServerContext } from '../../context.js';
import { parseBody } from '../parse-body.js';
import { requireSession } from '../require-session.js';

const SessionParams = z.object({ id: z.string().uuid() });

/**
 * An admin ends someone's session (a lost laptop). Until roles exist (issue 7's RBAC slice) the
 * bootstrap admin flag is the permission; the route will then ask for `users:edit` instead.
 */
export function registerAdminSessionRoutes(app: FastifyInstance, context: ServerContext): void {
  app.delete('/api/admin/sessions/:id', async (request, reply) => {
    const { user } = await requireSession(context, request);
    if (user.is_admin !== 1) throw new AppError('FORBIDDEN', 'Only an admin may revoke sessions.');
    const { id } = parseBody(SessionParams, request.params);
    const now = context.clock.now();
    const revoked = await context.sessions.revokeById(id, now);
    if (!revoked) throw new AppError('NOT_FOUND', 'No live session with this id.');
    await recordAudit(context.db, {
      action: 'session.revoked',
      actorUserId: user.id,
      at: now,
      target: `session:${id}`,
    });
    return reply.send(ok({ revoked }));
  });
}
