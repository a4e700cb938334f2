import type { FastifyInstance } from 'fastify';
import { AuditUploadInput, type AuditUploadOutput } from '../../../common/api/server-audit.js';
import { ok } from '../../../common/result.js';
import { recordAuditBatch } from '../../audit/audit-log.js';
import type { ServerContext } from '../../context.js';
import { parseBody } from '../parse-body.js';
import { callerOf } from '../authorize.js';

/**
 * The desktop's queued events (refused calls, rejected policies, exports...) join the server's log.
 * Any signed-in user may upload their own: the actor is the session's user, never a body field, and
 * the client event id makes a retry after a lost response a no-op.
 */
export function registerAuditEventRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/audit/events', async (request, reply) => {
    const { user, session } = callerOf(request);
    const input = parseBody(AuditUploadInput, request.body);
    const now = context.clock.now();
    const results = await recordAuditBatch(
      context.db,
      input.events.map((event) => ({
        action: event.kind,
        actorUserId: user.id,
        at: now,
        source: 'client' as const,
        clientEventId: event.id,
        // undefined detail is dropped by the canonical JSON; null stays null.
        details: { clientAt: event.at, session: session.id, detail: event.detail ?? null },
      })),
    );
    const output: AuditUploadOutput = {
      acknowledged: input.events.map((event) => event.id),
      appended: results.filter((result) => result.appended).length,
    };
    return reply.send(ok(output));
  });
}
