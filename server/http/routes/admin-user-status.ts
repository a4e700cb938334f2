import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { UserStatusInput } from '../../../common/api/server-admin-accounts.js';
import { AppError } from '../../../common/errors.js';
import { ok } from '../../../common/result.js';
import { recordAudit } from '../../audit/audit-log.js';
import type { ServerContext } from '../../context.js';
import { parseBody } from '../parse-body.js';
import { callerOf } from '../authorize.js';

const UserParams = z.object({ userId: z.string().uuid() });

/**
 * Disable or enable an account. Disabling ends every session of the user at once (the session
 * lookup refuses a disabled user anyway; revoking says so in the sessions list too). An admin can't
 * disable their own account: that is how a workspace loses its last admin.
 */
export function registerAdminUserStatusRoute(app: FastifyInstance, context: ServerContext): void {
  app.put('/api/admin/users/:userId/status', async (request, reply) => {
    const { user: admin } = callerOf(request);
    const { userId } = parseBody(UserParams, request.params);
    const { disabled } = parseBody(UserStatusInput, request.body);
    if (disabled && userId === admin.id) throw new AppError('CONFLICT', 'You cannot disable your own account.');
    const now = context.clock.now();
    const target = await context.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    if (!target) throw new AppError('NOT_FOUND', 'No user with this id.');
    const changed = (target.disabled_at !== null) !== disabled;
    if (changed) {
      await context.db
        .updateTable('users')
        .set({ disabled_at: disabled ? now : null })
        .where('id', '=', userId)
        .execute();
      const revokedSessions = disabled ? await context.sessions.revokeAllForUser(userId, now) : 0;
      await recordAudit(context.db, {
        action: disabled ? 'user.disabled' : 'user.enabled',
        actorUserId: admin.id,
        at: now,
        target: `user:${userId}`,
        details: disabled ? { email: target.email, revokedSessions } : { email: target.email },
      });
    }
    return reply.send(ok({ disabled, changed }));
  });
}
