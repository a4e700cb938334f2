import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { UserSessionView } from '../../../common/api/server-admin-accounts.js';
import { AppError } from '../../../common/errors.js';
import { ok } from '../../../common/result.js';
import type { ServerContext } from '../../context.js';
import { parseBody } from '../parse-body.js';

const UserParams = z.object({ userId: z.string().uuid() });
const iso = (ms: number): string => new Date(Number(ms)).toISOString();

/** A user's live sessions (a lost laptop is found here and revoked with DELETE /api/admin/sessions/:id). */
export function registerAdminUserSessionsRoute(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/admin/users/:userId/sessions', async (request, reply) => {
    const { userId } = parseBody(UserParams, request.params);
    const user = await context.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
    if (!user) throw new AppError('NOT_FOUND', 'No user with this id.');
    const rows = await context.db
      .selectFrom('sessions')
      .select(['id', 'created_at', 'last_seen_at', 'expires_at'])
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', context.clock.now())
      .orderBy('created_at', 'desc')
      .execute();
    const views: UserSessionView[] = rows.map((row) => ({
      id: row.id,
      createdAt: iso(row.created_at),
      lastSeenAt: iso(row.last_seen_at),
      expiresAt: iso(row.expires_at),
    }));
    return reply.send(ok(views));
  });
}
