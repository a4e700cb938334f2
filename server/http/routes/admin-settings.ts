import type { FastifyInstance } from 'fastify';
import { WorkspaceSettingsInput, type WorkspaceSecuritySettings } from '../../../common/api/server-second-factor.js';
import { AppError } from '../../../common/errors.js';
import { ok } from '../../../common/result.js';
import { recordAudit } from '../../audit/audit-log.js';
import { hasSecondFactor } from '../../auth/second-factor.js';
import { compileAllowlist, isLoopback } from '../../net/ip-allowlist.js';
import type { ServerContext } from '../../context.js';
import { callerOf } from '../authorize.js';
import { parseBody } from '../parse-body.js';

/**
 * "Require 2FA for everyone", the IP allowlist, the longest a just-in-time grant may last and the
 * offline grace of the desktops' policies.
 */
export function registerAdminSettingsRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/admin/settings', async (_request, reply) => {
    const { require2fa, ipAllowlist, grantMaxMinutes, offlineGraceHours } = await context.settings.get();
    const output: WorkspaceSecuritySettings = { require2fa, ipAllowlist, grantMaxMinutes, offlineGraceHours };
    return reply.send(ok(output));
  });

  app.put('/api/admin/settings', async (request, reply) => {
    const { user } = callerOf(request);
    const input = parseBody(WorkspaceSettingsInput, request.body);
    const now = context.clock.now();
    const before = await context.settings.get();
    const next: WorkspaceSecuritySettings = {
      require2fa: input.require2fa ?? before.require2fa,
      ipAllowlist: input.ipAllowlist ? [...new Set(input.ipAllowlist)] : before.ipAllowlist,
      grantMaxMinutes: input.grantMaxMinutes ?? before.grantMaxMinutes,
      // Part of every user's rights (and their hash): the next fetch of each desktop gets a new version.
      offlineGraceHours: input.offlineGraceHours ?? before.offlineGraceHours,
    };
    // Two guards against an admin locking themselves out by mistake (loopback stays a way back in).
    if (next.require2fa && !before.require2fa && !(await hasSecondFactor(context.db, user.id))) {
      throw new AppError('CONFLICT', 'Turn on two-factor sign-in for your own account before requiring it.');
    }
    const allowlist = compileAllowlist(next.ipAllowlist);
    if (!allowlist.empty && !isLoopback(request.ip) && !allowlist.allows(request.ip)) {
      throw new AppError('CONFLICT', `The allowlist must include your own address (${request.ip}).`);
    }
    await context.settings.save(next, now);
    const changes: Record<string, unknown> = {};
    if (next.require2fa !== before.require2fa) changes.require2fa = { from: before.require2fa, to: next.require2fa };
    if (JSON.stringify(next.ipAllowlist) !== JSON.stringify(before.ipAllowlist)) {
      changes.ipAllowlist = { from: before.ipAllowlist, to: next.ipAllowlist };
    }
    if (next.grantMaxMinutes !== before.grantMaxMinutes) {
      changes.grantMaxMinutes = { from: before.grantMaxMinutes, to: next.grantMaxMinutes };
    }
    if (next.offlineGraceHours !== before.offlineGraceHours) {
      changes.offlineGraceHours = { from: before.offlineGraceHours, to: next.offlineGraceHours };
    }
    if (Object.keys(changes).length > 0) {
      await recordAudit(context.db, {
        action: 'workspace.settings_changed',
        actorUserId: user.id,
        at: now,
        target: 'workspace:settings',
        details: changes,
      });
    }
    return reply.send(ok(next));
  });
}
