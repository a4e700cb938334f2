import type { FastifyInstance } from 'fastify';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { RoleInput, RoleUpdate, type RoleView } from '../../../common/api/server-admin.js';
import { AppError } from '../../../common/errors.js';
import { ok } from '../../../common/result.js';
import { recordAudit } from '../../audit/audit-log.js';
import { newId } from '../../auth/tokens.js';
import type { ServerContext } from '../../context.js';
import type { ServerDatabase } from '../../db/schema.js';
import { excessOf } from '../../rbac/escalation.js';
import { roleChange } from '../../rbac/role-change.js';
import { roleFromRow } from '../../rbac/roles.js';
import { callerOf, callerRights } from '../authorize.js';
import { parseBody } from '../parse-body.js';

const RoleParams = z.object({ id: z.string().uuid() });
const AssignmentParams = z.object({ userId: z.string().uuid(), roleId: z.string().uuid() });

/**
 * Roles (permission sets in the shapes of common/rbac) and who holds them. A change reaches each
 * affected desktop at its next policy fetch: the compiled rights differ, so the version goes up.
 * Who may call what is in server/http/route-access.ts; here, nobody hands on more than their own
 * roles give (server/rbac/escalation.ts), and nobody strips the last user administrator
 * (server/rbac/role-change.ts).
 */
export function registerAdminRoleRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/admin/roles', async (_request, reply) => {
    const rows = await context.db.selectFrom('roles').selectAll().orderBy('name').execute();
    return reply.send(ok(rows.map(roleFromRow)));
  });

  app.post('/api/admin/roles', async (request, reply) => {
    const { user } = callerOf(request);
    const held = (await callerRights(context, request)).roles;
    const input = parseBody(RoleInput, request.body);
    refuseExcess('create a role', excessOf(input, held));
    const now = context.clock.now();
    const id = newId();
    const role: RoleView = { id, ...input };
    await context.db.transaction().execute(async (trx) => {
      await assertNameFree(trx, input.name);
      await trx
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
      await recordAudit(trx, {
        action: 'role.created',
        actorUserId: user.id,
        at: now,
        target: `role:${id}`,
        details: { role },
      });
    });
    return reply.status(201).send(ok(role));
  });

  app.put('/api/admin/roles/:id', async (request, reply) => {
    const { user } = callerOf(request);
    const { id } = parseBody(RoleParams, request.params);
    const input = parseBody(RoleUpdate, request.body);
    const now = context.clock.now();
    const role = await roleChange(context, user.id, async (trx, held) => {
      const existing = await trx.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
      if (!existing) throw new AppError('NOT_FOUND', 'No role with this id.');
      if (input.name !== undefined && input.name !== existing.name) await assertNameFree(trx, input.name);
      const before = roleFromRow(existing);
      // Both sides: a role above the caller is not theirs to reshape, even narrower.
      refuseExcess('change a role', excessOf(before, held));
      const after: RoleView = {
        id,
        name: input.name ?? before.name,
        permissions: input.permissions ?? before.permissions,
        fieldRules: input.fieldRules ?? before.fieldRules,
        emailVisibility: input.emailVisibility ?? before.emailVisibility,
      };
      refuseExcess('change a role', excessOf(after, held));
      await trx
        .updateTable('roles')
        .set({
          name: after.name,
          permissions: JSON.stringify(after.permissions),
          field_rules: JSON.stringify(after.fieldRules),
          email_visibility: after.emailVisibility,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, {
        action: 'role.updated',
        actorUserId: user.id,
        at: now,
        target: `role:${id}`,
        details: { before, after },
      });
      return after;
    });
    return reply.send(ok(role));
  });

  // Only a role nobody holds: deleting a held one would change its holders' rights as a side effect;
  // the admin takes it from them first (each removal checked and audited on its own).
  app.delete('/api/admin/roles/:id', async (request, reply) => {
    const { user } = callerOf(request);
    const { id } = parseBody(RoleParams, request.params);
    const now = context.clock.now();
    await roleChange(context, user.id, async (trx, held) => {
      const role = await findRole(trx, id);
      refuseExcess('delete a role', excessOf(role, held));
      const holders = await trx
        .selectFrom('user_roles')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('role_id', '=', id)
        .executeTakeFirstOrThrow();
      const count = Number(holders.count);
      if (count > 0) {
        throw new AppError(
          'CONFLICT',
          `"${role.name}" is held by ${count} ${count === 1 ? 'user' : 'users'}: take it from them first.`,
        );
      }
      await trx.deleteFrom('roles').where('id', '=', id).execute();
      await recordAudit(trx, {
        action: 'role.deleted',
        actorUserId: user.id,
        at: now,
        target: `role:${id}`,
        details: { role },
      });
    });
    return reply.send(ok({ deleted: true }));
  });

  // The access hook checked that the user is within the caller's scope over users; roleChange again under its lock.
  app.put('/api/admin/users/:userId/roles/:roleId', async (request, reply) => {
    const { user } = callerOf(request);
    const { userId, roleId } = parseBody(AssignmentParams, request.params);
    const now = context.clock.now();
    const assigned = await roleChange(
      context,
      user.id,
      async (trx, held) => {
        const role = await findRole(trx, roleId);
        if (!(await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst())) {
          throw new AppError('NOT_FOUND', 'No user with this id.');
        }
        refuseExcess('assign a role', excessOf(role, held));
        const inserted = await trx
          .insertInto('user_roles')
          .values({ user_id: userId, role_id: roleId, assigned_at: now })
          .onConflict((oc) => oc.columns(['user_id', 'role_id']).doNothing())
          .executeTakeFirst();
        const added = Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
        if (added) {
          await recordAudit(trx, {
            action: 'role.assigned',
            actorUserId: user.id,
            at: now,
            target: `user:${userId}`,
            details: { roleId },
          });
        }
        return added;
      },
      { userId, action: 'edit', now },
    );
    return reply.send(ok({ assigned }));
  });

  app.delete('/api/admin/users/:userId/roles/:roleId', async (request, reply) => {
    const { user } = callerOf(request);
    const { userId, roleId } = parseBody(AssignmentParams, request.params);
    const now = context.clock.now();
    await roleChange(
      context,
      user.id,
      async (trx, held) => {
        // Taking away a role above the caller is not theirs to do either (a manager demoting an admin).
        refuseExcess('take away a role', excessOf(await findRole(trx, roleId), held));
        const deleted = await trx
          .deleteFrom('user_roles')
          .where('user_id', '=', userId)
          .where('role_id', '=', roleId)
          .executeTakeFirst();
        if (deleted.numDeletedRows === 0n) throw new AppError('NOT_FOUND', 'The user does not hold this role.');
        await recordAudit(trx, {
          action: 'role.unassigned',
          actorUserId: user.id,
          at: now,
          target: `user:${userId}`,
          details: { roleId },
        });
      },
      { userId, action: 'edit', now },
    );
    return reply.send(ok({ unassigned: true }));
  });
}

function refuseExcess(what: string, excess: string | null): void {
  if (excess !== null) {
    throw new AppError('FORBIDDEN', `You cannot ${what} that gives more than you hold yourself: ${excess}.`);
  }
}

async function findRole(trx: Transaction<ServerDatabase>, roleId: string): Promise<RoleView> {
  const row = await trx.selectFrom('roles').selectAll().where('id', '=', roleId).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'No role with this id.');
  return roleFromRow(row);
}

async function assertNameFree(trx: Transaction<ServerDatabase>, name: string): Promise<void> {
  const clash = await trx.selectFrom('roles').select('id').where('name', '=', name).executeTakeFirst();
  if (clash) throw new AppError('CONFLICT', `A role named "${name}" exists already.`);
}
