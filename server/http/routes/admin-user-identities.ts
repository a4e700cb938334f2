import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { IdentityUnlinkOutput, UserIdentityView } from '../../../common/api/server-admin-accounts.js';
import { ok } from '../../../common/result.js';
import type { ServerContext } from '../../context.js';
import { identitiesOf, unlinkIdentity } from '../../sso/linked-identities.js';
import { callerOf } from '../authorize.js';
import { parseBody } from '../parse-body.js';

const UserParams = z.object({ userId: z.string().uuid() });
const IdentityParams = UserParams.extend({ identityId: z.string().uuid() });

/** A user's single sign-on identities, and unlinking one (server/sso/linked-identities.ts). */
export function registerAdminUserIdentityRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/admin/users/:userId/identities', async (request, reply) => {
    const { userId } = parseBody(UserParams, request.params);
    const output: UserIdentityView[] = await identitiesOf(context.db, userId);
    return reply.send(ok(output));
  });

  app.delete('/api/admin/users/:userId/identities/:identityId', async (request, reply) => {
    const { user, rights } = callerOf(request);
    const { userId, identityId } = parseBody(IdentityParams, request.params);
    const output: IdentityUnlinkOutput = await unlinkIdentity(
      context,
      { id: user.id, held: rights.roles },
      userId,
      identityId,
      context.clock.now(),
    );
    return reply.send(ok(output));
  });
}
