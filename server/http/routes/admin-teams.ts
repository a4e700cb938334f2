import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TeamInput, TeamMemberInput, type TeamView } from '../../../common/api/server-admin.js';
import { AppError } from '../../../common/errors.js';
import { ok } from '../../../common/result.js';
import { recordAudit } from '../../audit/audit-log.js';
import { newId } from '../../auth/tokens.js';
import type { ServerContext } from '../../context.js';
import { effectiveScope } from '../../rbac/caller-rights.js';
import { teamChange, teamsManagedBy } from '../../rbac/teams.js';
import { callerOf, callerRights } from '../authorize.js';
import { parseBody } from '../parse-body.js';

const MemberParams = z.object({ teamId: z.string().uuid(), userId: z.string().uuid() });

/**
 * Teams form a hierarchy (a parent team includes its sub-teams); members may be the team's managers.
 * Membership decides what a 'team' scope reaches, so changing it needs users:edit for the whole
 * workspace (server/http/route-access.ts). The list shows the teams within the caller's scope over
 * users: all of them, the ones they manage (with sub-teams), or the ones they belong to.
 */
export function registerAdminTeamRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/admin/teams', async (request, reply) => {
    const { user } = callerOf(request);
    const scope = effectiveScope(await callerRights(context, request), { object: 'users', action: 'view' });
    const members = await context.db.selectFrom('team_members').selectAll().execute();
    let visible: ReadonlySet<string> | null = null;
    if (scope === 'team') visible = new Set(await teamsManagedBy(context.db, user.id));
    if (scope === 'own') visible = new Set(members.filter((m) => m.user_id === user.id).map((m) => m.team_id));
    const teams = (await context.db.selectFrom('teams').selectAll().orderBy('name').execute()).filter(
      (team) => visible === null || visible.has(team.id),
    );
    const views: TeamView[] = teams.map((team) => ({
      id: team.id,
      name: team.name,
      parentId: team.parent_id,
      members: members
        .filter((m) => m.team_id === team.id)
        .map((m) => ({ userId: m.user_id, manager: m.is_manager === 1 })),
    }));
    return reply.send(ok(views));
  });

  app.post('/api/admin/teams', async (request, reply) => {
    const { user: admin } = callerOf(request);
    const input = parseBody(TeamInput, request.body);
    if (input.parentId) {
      const parent = await context.db
        .selectFrom('teams')
        .select('id')
        .where('id', '=', input.parentId)
        .executeTakeFirst();
      if (!parent) throw new AppError('NOT_FOUND', 'No parent team with this id.');
    }
    const id = newId();
    await context.db
      .insertInto('teams')
      .values({ id, name: input.name, parent_id: input.parentId, created_at: context.clock.now() })
      .execute();
    const at = context.clock.now();
    await recordAudit(context.db, {
      action: 'team.created',
      actorUserId: admin.id,
      at,
      target: `team:${id}`,
      details: { ...input },
    });
    const view: TeamView = { id, name: input.name, parentId: input.parentId, members: [] };
    return reply.status(201).send(ok(view));
  });

  app.put('/api/admin/teams/:teamId/members/:userId', async (request, reply) => {
    const { user: admin } = callerOf(request);
    const { teamId, userId } = parseBody(MemberParams, request.params);
    const { manager } = parseBody(TeamMemberInput, request.body);
    // Under the team lock, with its audit entry: a manager's reach (server/rbac/reach.ts) is judged
    // under the same lock, so it never sees a membership half-way or races one.
    await teamChange(context, async (trx) => {
      const team = await trx.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst();
      const user = await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
      if (!team || !user) throw new AppError('NOT_FOUND', 'No such team or user.');
      await trx
        .insertInto('team_members')
        .values({ team_id: teamId, user_id: userId, is_manager: manager ? 1 : 0 })
        .onConflict((oc) => oc.columns(['team_id', 'user_id']).doUpdateSet({ is_manager: manager ? 1 : 0 }))
        .execute();
      await recordAudit(trx, {
        action: 'team.member_set',
        actorUserId: admin.id,
        at: context.clock.now(),
        target: `team:${teamId}`,
        details: { userId, manager },
      });
    });
    return reply.send(ok({ teamId, userId, manager }));
  });

  app.delete('/api/admin/teams/:teamId/members/:userId', async (request, reply) => {
    const { user: admin } = callerOf(request);
    const { teamId, userId } = parseBody(MemberParams, request.params);
    await teamChange(context, async (trx) => {
      const deleted = await trx
        .deleteFrom('team_members')
        .where('team_id', '=', teamId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (deleted.numDeletedRows === 0n) throw new AppError('NOT_FOUND', 'The user is not in this team.');
      await recordAudit(trx, {
        action: 'team.member_removed',
        actorUserId: admin.id,
        at: context.clock.now(),
        target: `team:${teamId}`,
        details: { userId },
      });
    });
    return reply.send(ok({ removed: true }));
  });
}
