import type { FastifyInstance } from 'fastify';
import { NewUserInput, type UserView } from '../../../common/api/server-admin.js';
import { AppError } from '../../../common/errors.js';
import { ok } from '../../../common/result.js';
import { recordAudit } from '../../audit/audit-log.js';
import { normalizeEmail } from '../../auth/email.js';
import { assertAcceptablePassword } from '../../auth/password-policy.js';
import { hashPassword } from '../../auth/passwords.js';
import { newId } from '../../auth/tokens.js';
import { findUserByEmail } from '../../auth/users.js';
import type { ServerContext } from '../../context.js';
import { effectiveScope } from '../../rbac/caller-rights.js';
import { inReach, usersInReach } from '../../rbac/reach.js';
import { callerOf, callerRights } from '../authorize.js';
import { parseBody } from '../parse-body.js';

/**
 * Accounts (same password rules as the bootstrap) and the directory with each user's roles. The list
 * shows the users within the caller's scope over users: everyone, their teams, or themself.
 */
export function registerAdminUserRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/admin/users', async (request, reply) => {
    const { user: caller } = callerOf(request);
    const rights = await callerRights(context, request);
    const reach = await usersInReach(
      context.db,
      caller.id,
      effectiveScope(rights, { object: 'users', action: 'view' }),
    );
    const users = await context.db.selectFrom('users').selectAll().orderBy('email_normalized').execute();
    const assignments = await context.db.selectFrom('user_roles').select(['user_id', 'role_id']).execute();
    const withTotp = await context.db
      .selectFrom('user_totp')
      .select('user_id')
      .where('enabled_at', 'is not', null)
      .execute();
    const twoFactor = new Set(withTotp.map((row) => row.user_id));
    const views: UserView[] = users
      .filter((user) => inReach(reach, user.id))
      .map((user) => ({
        id: user.id,
        email: user.email,
        isAdmin: user.is_admin === 1,
        disabled: user.disabled_at !== null,
        twoFactorEnabled: twoFactor.has(user.id),
        passwordChangeRequired: user.password_change_required_at !== null,
        roleIds: assignments.filter((a) => a.user_id === user.id).map((a) => a.role_id),
      }));
    return reply.send(ok(views));
  });

  // A new account has no role and no team: it can do nothing until someone gives it a role.
  app.post('/api/admin/users', async (request, reply) => {
    const { user: admin } = callerOf(request);
    const input = parseBody(NewUserInput, request.body);
    assertAcceptablePassword(input.password, input.email);
    if (await findUserByEmail(context.db, input.email)) {
      throw new AppError('CONFLICT', 'An account with this email exists already.');
    }
    const now = context.clock.now();
    const id = newId();
    await context.db
      .insertInto('users')
      .values({
        id,
        email: input.email.trim(),
        email_normalized: normalizeEmail(input.email),
        password_hash: await hashPassword(input.password),
        is_admin: 0,
        created_at: now,
        disabled_at: null,
        password_change_required_at: input.temporaryPassword ? now : null,
      })
      .execute();
    await recordAudit(context.db, {
      action: 'user.created',
      actorUserId: admin.id,
      at: now,
      target: `user:${id}`,
      details: { email: input.email.trim(), temporaryPassword: input.temporaryPassword },
    });
    const view: UserView = {
      id,
      email: input.email.trim(),
      isAdmin: false,
      disabled: false,
      twoFactorEnabled: false,
      passwordChangeRequired: input.temporaryPassword,
      roleIds: [],
    };
    return reply.status(201).send(ok(view));
  });
}
