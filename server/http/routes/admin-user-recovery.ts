import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PasswordResetInput, type AccountResetOutput } from '../../../common/api/server-account-recovery.js';
import { ok } from '../../../common/result.js';
import { resetPassword, resetSecondFactor } from '../../auth/account-reset.js';
import type { ServerContext } from '../../context.js';
import { callerOf } from '../authorize.js';
import { parseBody } from '../parse-body.js';

const UserParams = z.object({ userId: z.string().uuid() });

/**
 * The way back in for someone who forgot their password or lost their 2FA device and recovery codes:
 * an administrator over them sets a new password or removes the second factor (server/auth/account-reset.ts).
 */
export function registerAdminUserRecoveryRoutes(app: FastifyInstance, context: ServerContext): void {
  app.put('/api/admin/users/:userId/password', async (request, reply) => {
    const { user, rights } = callerOf(request);
    const { userId } = parseBody(UserParams, request.params);
    const { newPassword } = parseBody(PasswordResetInput, request.body);
    const output: AccountResetOutput = await resetPassword(
      context,
      { id: user.id, held: rights.roles },
      userId,
      newPassword,
      context.clock.now(),
    );
    return reply.send(ok(output));
  });

  app.delete('/api/admin/users/:userId/second-factor', async (request, reply) => {
    const { user, rights } = callerOf(request);
    const { userId } = parseBody(UserParams, request.params);
    const output: AccountResetOutput = await resetSecondFactor(
      context,
      { id: user.id, held: rights.roles },
      userId,
      context.clock.now(),
    );
    return reply.send(ok(output));
  });
}
