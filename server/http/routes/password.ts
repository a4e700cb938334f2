import type { FastifyInstance } from 'fastify';
import {
  PasswordChangeInput,
  RequiredPasswordInput,
  type PasswordChangeOutput,
} from '../../../common/api/server-account-recovery.js';
import { ok } from '../../../common/result.js';
import { changeOwnPassword } from '../../auth/password-change.js';
import { completeRequiredPassword } from '../../auth/required-password.js';
import type { ServerContext } from '../../context.js';
import { callerOf } from '../authorize.js';
import { parseBody } from '../parse-body.js';
import { readSessionToken } from '../session-token.js';
import { replySignIn } from './auth.js';

/**
 * A signed-in user changes their own password (their other sessions end, this one stays); a sign-in
 * with a temporary password trades it for the user's own and gets its session.
 */
export function registerPasswordRoute(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/auth/new-password', async (request, reply) => {
    const input = parseBody(RequiredPasswordInput, request.body);
    const now = context.clock.now();
    const opened = await completeRequiredPassword(
      context,
      { ...input, currentToken: readSessionToken(request), ip: request.ip },
      now,
    );
    return replySignIn(context, request, reply, { kind: 'session', ...opened }, now);
  });

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
