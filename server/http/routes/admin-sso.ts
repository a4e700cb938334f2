import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SsoConfigInput, type SsoConfigView } from '../../../common/api/server-sso.js';
import { AppError } from '../../../common/errors.js';
import { ok } from '../../../common/result.js';
import { recordAudit } from '../../audit/audit-log.js';
import type { ServerContext } from '../../context.js';
import { readSsoConfig, saveSsoConfig, type SsoConfig } from '../../sso/sso-config.js';
import { parseBody } from '../parse-body.js';
import { callerOf } from '../authorize.js';
import { ssoBackchannelLogoutUrl, ssoCallbackUrl, ssoSignedOutUrl } from '../sso-urls.js';

function view(config: SsoConfig, request: FastifyRequest): SsoConfigView {
  return {
    enabled: config.enabled,
    issuer: config.issuer,
    clientId: config.clientId,
    clientSecretSet: config.clientSecret !== null,
    allowedEmailDomains: config.allowedEmailDomains,
    autoProvision: config.autoProvision,
    defaultRoleId: config.defaultRoleId,
    redirectUri: ssoCallbackUrl(request),
    postLogoutRedirectUri: ssoSignedOutUrl(request),
    backchannelLogoutUri: ssoBackchannelLogoutUrl(request),
  };
}

/**
 * The single sign-on configuration (admin). The client secret is write-only: answers say only whether
 * one is set, and the audit entry only that it changed.
 */
export function registerAdminSsoRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/admin/sso', async (request, reply) => {
    return reply.send(ok(view(await readSsoConfig(context), request)));
  });

  app.put('/api/admin/sso', async (request, reply) => {
    const { user } = callerOf(request);
    const input = parseBody(SsoConfigInput, request.body);
    const now = context.clock.now();
    const before = await readSsoConfig(context);
    const next: SsoConfig = {
      enabled: input.enabled ?? before.enabled,
      issuer: input.issuer ?? before.issuer,
      clientId: input.clientId ?? before.clientId,
      clientSecret: input.clientSecret ?? before.clientSecret,
      allowedEmailDomains: input.allowedEmailDomains
        ? [...new Set(input.allowedEmailDomains)]
        : before.allowedEmailDomains,
      autoProvision: input.autoProvision ?? before.autoProvision,
      defaultRoleId: input.defaultRoleId === undefined ? before.defaultRoleId : input.defaultRoleId,
    };
    if (next.defaultRoleId !== null && next.defaultRoleId !== before.defaultRoleId) {
      const role = await context.db
        .selectFrom('roles')
        .select('id')
        .where('id', '=', next.defaultRoleId)
        .executeTakeFirst();
      if (!role) throw new AppError('VALIDATION', 'defaultRoleId: no role with this id.');
    }
    if (next.enabled) {
      const missing = [
        next.issuer === null && 'issuer',
        next.clientId === null && 'clientId',
        next.clientSecret === null && 'clientSecret',
      ].filter(Boolean);
      if (missing.length > 0) throw new AppError('VALIDATION', `To turn single sign-on on, set ${missing.join(', ')}.`);
      // No list would let anyone the IdP knows in (a multi-tenant IdP knows the whole world).
      if (next.allowedEmailDomains.length === 0) {
        throw new AppError('VALIDATION', 'allowedEmailDomains: list at least one mail domain that may sign in.');
      }
      // A typo in the issuer is caught now, not at the first person's sign-in.
      if (next.issuer !== before.issuer || !before.enabled) await context.oidc.check(next.issuer!);
    }
    await saveSsoConfig(context, next, now);
    const changes = describeChanges(before, next);
    if (Object.keys(changes).length > 0) {
      await recordAudit(context.db, {
        action: 'sso.config_changed',
        actorUserId: user.id,
        at: now,
        target: 'workspace:sso',
        details: changes,
      });
    }
    return reply.send(ok(view(next, request)));
  });
}

/** Before and after of each changed field; of the secret only that it changed (never its value). */
function describeChanges(before: SsoConfig, next: SsoConfig): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const key of Object.keys(next) as (keyof SsoConfig)[]) {
    if (JSON.stringify(before[key]) === JSON.stringify(next[key])) continue;
    changes[key] = key === 'clientSecret' ? { changed: true } : { from: before[key], to: next[key] };
  }
  return changes;
}
