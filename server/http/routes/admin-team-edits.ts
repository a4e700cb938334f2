import type { FastifyInstance } from 'fastify';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { TeamUpdate, type TeamView } from '../../../common/api/server-admin.js';
import { AppError } from '../../../common/errors.js';
import { ok } from '../../../common/result.js';
import { recordAudit } from '../../audit/audit-log.js';
import type { ServerContext } from '../../context.js';
import type { ServerDatabase } from '../../db/schema.js';
import { isWithin, teamChange } from '../../rbac/teams.js';
import { callerOf } from '../authorize.js';
import { parseBody } from '../parse-body.js';

const TeamParams = z.object({ teamId: z.string().uuid() });

/**
 * Renaming, moving and deleting teams (users:edit for the whole workspace, server/http/route-access.ts).
 * A move may not put a team under itself or one of its own sub-teams. A team with sub-teams is not
 * deleted (they would silently become top-level and leave their parent's managers' reach): they are
 * moved or deleted first. Its memberships go with it, listed in the audit entry.
 */
export function registerAdminTeamEditRoutes(app: FastifyInstance, context: ServerContext): void {
  app.put('/api/admin/teams/:teamId', async (request, reply) => {
    const { user: admin } = callerOf(request);
    const { teamId } = parseBody(TeamParams, request.params);
    const input = parseBody(TeamUpdate, request.body);
    const view = await teamChange(context, async (trx) => {
      const team = await findTeam(trx, teamId);
      if (input.parentId) await refuseCycle(trx, teamId, input.parentId);
      const after = {
        name: input.name ?? team.name,
        parentId: input.parentId === undefined ? team.parent_id : input.parentId,
      };
      await trx
        .updateTable('teams')
        .set({ name: after.name, parent_id: after.parentId })
        .where('id', '=', teamId)
        .execute();
      await recordAudit(trx, {
        action: 'team.updated',
        actorUserId: admin.id,
        at: context.clock.now(),
        target: `team:${teamId}`,
        details: { before: { name: team.name, parentId: team.parent_id }, after },
      });
      const members = await trx.selectFrom('team_members').selectAll().where('team_id', '=', teamId).execute();
      const result: TeamView = {
        id: teamId,
        ...after,
        members: members.map((m) => ({ userId: m.user_id, manager: m.is_manager === 1 })),
      };
      return result;
    });
    return reply.send(ok(view));
  });

  app.delete('/api/admin/teams/:teamId', async (request, reply) => {
    const { user: admin } = callerOf(request);
    const { teamId } = parseBody(TeamParams, request.params);
    await teamChange(context, async (trx) => {
      const team = await findTeam(trx, teamId);
      const children = await trx
        .selectFrom('teams')
        .select('name')
        .where('parent_id', '=', teamId)
        .orderBy('name')
        .execute();
      if (children.length > 0) {
        const names = children.map((child) => `"${child.name}"`).join(', ');
        throw new AppError('CONFLICT', `"${team.name}" has sub-teams (${names}): move or delete them first.`);
      }
      const members = await trx.selectFrom('team_members').selectAll().where('team_id', '=', teamId).execute();
      // Memberships first: the foreign key cascades on SQLite only while foreign_keys is on.
      await trx.deleteFrom('team_members').where('team_id', '=', teamId).execute();
      await trx.deleteFrom('teams').where('id', '=', teamId).execute();
      await recordAudit(trx, {
        action: 'team.deleted',
        actorUserId: admin.id,
        at: context.clock.now(),
        target: `team:${teamId}`,
        details: {
          name: team.name,
          parentId: team.parent_id,
          members: members.map((m) => ({ userId: m.user_id, manager: m.is_manager === 1 })),
        },
      });
    });
    return reply.send(ok({ deleted: true }));
  });
}

async function findTeam(trx: Transaction<ServerDatabase>, teamId: string) {
  const team = await trx.selectFrom('teams').selectAll().where('id', '=', teamId).executeTakeFirst();
  if (!team) throw new AppError('NOT_FOUND', 'No team with this id.');
  return team;
}

/** The new parent must exist and must not be the team itself or below it. */
async function refuseCycle(trx: Transaction<ServerDatabase>, teamId: string, parentId: string): Promise<void> {
  const teams = await trx.selectFrom('teams').select(['id', 'parent_id']).execute();
  if (!teams.some((team) => team.id === parentId)) throw new AppError('NOT_FOUND', 'No parent team with this id.');
  if (isWithin(teams, parentId, teamId)) {
    throw new AppError('CONFLICT', 'A team cannot be moved under itself or one of its own sub-teams.');
  }
}
