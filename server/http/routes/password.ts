import type { FastifyInstance } from 'fastify';
import { PasswordChangeInput, type PasswordChangeOutput } from '../../../common/api/server-account-recovery.js';
import { ok } from '../../../common/result.js';
import { changeOwnPassword } from '../../auth/password-change.js';
import type { ServerContext } from '../../context.js';
import { callerOf } from '../authorize.js';
import { parseBody } from '../parse-body.js';

/** A signed-in user changes their own password; their other sessions end, this one stays. */
export function registerPasswordRoute(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/auth/password', async (request, reply) => {
    const { user, session } = callerOf(request);
    const input = parseBody(PasswordChangeInput, request.body);
    const { revokedSessions } = await changeOwnPassword(
      context,
      { user, sessionId: session.id, ...input, ip: request.ip },
      context.clock.now(),
    );
    const output: PasswordChangeOutput = { changed: true, revokedSessions };
    return reply.send(ok(output));
  });
}
