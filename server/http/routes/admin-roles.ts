import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { RoleInput, RoleUpdate, type RoleView } from '../../../common/api/server-admin.js';
import { AppError } from '../../../common/errors.js';
import { ok } from '../../../common/result.js';
import { recordAudit } from '../../audit/audit-log.js';
import { newId } from '../../auth/tokens.js';
import type { ServerContext } from '../../context.js';
import { roleFromRow } from '../../rbac/roles.js';
import { parseBody } from '../parse-body.js';
import { requireAdmin } from '../require-admin.js';

const RoleParams = z.object({ id: z.string().uuid() });
const AssignmentParams = z.object({ userId: z.string().uuid(), roleId: z.string().uuid() });

/**
 * Roles (permission sets in the shapes of common/rbac) and who holds them. A change reaches each
 * affected desktop at its next policy fetch: the compiled rights differ, so the version goes up.
 */
export function registerAdminRoleRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/admin/roles', async (request, reply) => {
    await requireAdmin(context, request);
    const rows = await context.db.selectFrom('roles').selectAll().orderBy('name').execute();
    return reply.send(ok(rows.map(roleFromRow)));
  });

  app.post('/api/admin/roles', async (request, reply) => {
    const { user } = await requireAdmin(context, request);
    const input = parseBody(RoleInput, request.body);
    const now = context.clock.now();
    await assertNameFree(context, input.name);
    const id = newId();
    await context.db
      .insertInto('roles')
      .values({
        id,
        name: input.name,
        permissions: JSON.stringify(input.permissions),
        field_rules: JSON.stringify(input.fieldRules),
        email_visibility: input.emailVisibility,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const role: RoleView = { id, ...input };
    await recordAudit(context.db, {
      action: 'role.created',
      actorUserId: user.id,
      at: now,
      target: `role:${id}`,
      details: { role },
    });
    return reply.status(201).send(ok(role));
  });

  app.put('/api/admin/roles/:id', async (request, reply) => {
    const { user } = await requireAdmin(context, request);
    const { id } = parseBody(RoleParams, request.params);
    const input = parseBody(RoleUpdate, request.body);
    const now = context.clock.now();
    const existing = await context.db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
    if (!existing) throw new AppError('NOT_FOUND', 'No role with this id.');
    if (input.name !== undefined && input.name !== existing.name) await assertNameFree(context, input.name);
    const before = roleFromRow(existing);
    const role: RoleView = {
      id,
      name: input.name ?? before.name,
      permissions: input.permissions ?? before.permissions,
      fieldRules: input.fieldRules ?? before.fieldRules,
      emailVisibility: input.emailVisibility ?? before.emailVisibility,
    };
    await context.db
      .updateTable('roles')
      .set({
        name: role.name,
        permissions: JSON.stringify(role.permissions),
        field_rules: JSON.stringify(role.fieldRules),
        email_visibility: role.emailVisibility,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(context.db, {
      action: 'role.updated',
      actorUserId: user.id,
      at: now,
      target: `role:${id}`,
      details: { before, after: role },
    });
    return reply.send(ok(role));
  });

  app.put('/api/admin/users/:userId/roles/:roleId', async (request, reply) => {
    const { user } = await requireAdmin(context, request);
    const { userId, roleId } = parseBody(AssignmentParams, request.params);
    const now = context.clock.now();
    await assertExists(context, userId, roleId);
    const inserted = await context.db
      .insertInto('user_roles')
      .values({ user_id: userId, role_id: roleId, assigned_at: now })
      .onConflict((oc) => oc.columns(['user_id', 'role_id']).doNothing())
      .executeTakeFirst();
    const assigned = Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
    if (assigned) {
      await recordAudit(context.db, {
        action: 'role.assigned',
        actorUserId: user.id,
        at: now,
        target: `user:${userId}`,
        details: { roleId },
      });
    }
    return reply.send(ok({ assigned }));
  });

  app.delete('/api/admin/users/:userId/roles/:roleId', async (request, reply) => {
    const { user } = await requireAdmin(context, request);
    const { userId, roleId } = parseBody(AssignmentParams, request.params);
    const now = context.clock.now();
    const deleted = await context.db
      .deleteFrom('user_roles')
      .where('user_id', '=', userId)
      .where('role_id', '=', roleId)
      .executeTakeFirst();
    if (deleted.numDeletedRows === 0n) throw new AppError('NOT_FOUND', 'The user does not hold this role.');
    await recordAudit(context.db, {
      action: 'role.unassigned',
      actorUserId: user.id,
      at: now,
      target: `user:${userId}`,
      details: { roleId },
    });
    return reply.send(ok({ unassigned: true }));
  });
}

async function assertNameFree(context: ServerContext, name: string): Promise<void> {
  const clash = await context.db.selectFrom('roles').select('id').where('name', '=', name).executeTakeFirst();
  if (clash) throw new AppError('CONFLICT', `A role named "${name}" exists already.`);
}

async function assertExists(context: ServerContext, userId: string, roleId: string): Promise<void> {
  const user = await context.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  if (!user) throw new AppError('NOT_FOUND', 'No user with this id.');
  const role = await context.db.selectFrom('roles').select('id').where('id', '=', roleId).executeTakeFirst();
  if (!role) throw new AppError('NOT_FOUND', 'No role with this id.');
}
