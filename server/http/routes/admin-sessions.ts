import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../common/errors.js';
import { ok } from '../../../common/result.js';
import { recordAudit } from '../../audit/audit-log.js';
import type { ServerContext } from '../../context.js';
import { effectiveScope } from '../../rbac/caller-rights.js';
import { outOfReach, reaches } from '../../rbac/reach.js';
import { callerOf, callerRights } from '../authorize.js';
import { parseBody } from '../parse-body.js';

const SessionParams = z.object({ id: z.string().uuid() });

/**
 * Someone with users:edit ends a session (a lost laptop) of a user within their scope: anyone for
 * 'all', their teams' members for 'team', their own for 'own'.
 */
export function registerAdminSessionRoutes(app: FastifyInstance, context: ServerContext): void {
  app.delete('/api/admin/sessions/:id', async (request, reply) => {
    const { user } = callerOf(request);
    const scope = effectiveScope(await callerRights(context, request), { object: 'users', action: 'edit' });
    const { id } = parseBody(SessionParams, request.params);
    const now = context.clock.now();
    const owner = await context.db.selectFrom('sessions').select('user_id').where('id', '=', id).executeTakeFirst();
    if (!owner) throw new AppError('NOT_FOUND', 'No live session with this id.');
    if (!(await reaches(context.db, user.id, scope, owner.user_id))) throw new AppError('FORBIDDEN', outOfReach(scope));
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
