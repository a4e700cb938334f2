import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ServerContext } from '../context.js';
import { defaultAdminUiDir } from './admin-ui-files.js';
import { installRouteAccess } from './authorize.js';
import { installErrorHandling } from './errors.js';
import { installRequestChecks } from './request-checks.js';
import { registerAdminAuditLogRoutes } from './routes/admin-audit-log.js';
import { registerAdminAuditVerifyRoute } from './routes/admin-audit-verify.js';
import { registerAdminSettingsRoutes } from './routes/admin-settings.js';
import { registerAdminRoleRoutes } from './routes/admin-roles.js';
import { registerAdminSessionRoutes } from './routes/admin-sessions.js';
import { registerAdminSsoRoutes } from './routes/admin-sso.js';
import { registerAdminTeamEditRoutes } from './routes/admin-team-edits.js';
import { registerAdminTeamRoutes } from './routes/admin-teams.js';
import { registerAdminUiRoutes } from './routes/admin-ui.js';
import { registerAdminUserIdentityRoutes } from './routes/admin-user-identities.js';
import { registerAdminUserRecoveryRoutes } from './routes/admin-user-recovery.js';
import { registerAdminUserSessionsRoute } from './routes/admin-user-sessions.js';
import { registerAdminUserStatusRoute } from './routes/admin-user-status.js';
import { registerAdminUserRoutes } from './routes/admin-users.js';
import { registerAuditEventRoutes } from './routes/audit-events.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerBootstrapPage } from './routes/bootstrap-page.js';
import { registerGrantReviewRoutes } from './routes/grant-review.js';
import { registerGrantRoutes } from './routes/grants.js';
import { registerHealthRoute } from './routes/health.js';
import { registerPasswordRoute } from './routes/password.js';
import { registerPolicyRoutes } from './routes/policy.js';
import { registerSecondFactorRoutes } from './routes/second-factor.js';
import { registerSsoRoutes } from './routes/sso.js';
import { registerSsoBackchannelRoute } from './routes/sso-backchannel.js';

export type BuildServerOptions = {
  logger?: FastifyServerOptions['logger'];
  /** Behind a TLS-terminating proxy: trust its X-Forwarded-* so cookies get Secure and HSTS is sent. */
  trustProxy?: boolean;
  /** The built admin UI (default: out/server/admin-ui of this checkout). */
  adminUiDir?: string;
  /** Told of every route as it is registered (the authorization matrix test lists them with it). */
  onRoute?: (route: { method: string; url: string }) => void;
};

/** The team server's HTTP app, without listening: tests use `inject`, main.ts listens. */
export function buildServer(context: ServerContext, options: BuildServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 64 * 1024,
  });
  const observe = options.onRoute;
  if (observe) {
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) observe({ method, url: route.url });
    });
  }
  installErrorHandling(app);
  // Before any route: every route must declare who may call it (route-access.ts), checked here.
  installRouteAccess(app);
  // Security headers, IP allowlist, route access: one hook before every handler.
  installRequestChecks(app, context);
  registerHealthRoute(app, context);
  registerAuthRoutes(app, context);
  registerAdminSessionRoutes(app, context);
  registerPolicyRoutes(app, context);
  registerAdminRoleRoutes(app, context);
  registerAdminUserRoutes(app, context);
  registerAdminTeamRoutes(app, context);
  registerAdminTeamEditRoutes(app, context);
  registerAuditEventRoutes(app, context);
  registerSecondFactorRoutes(app, context);
  registerAdminSettingsRoutes(app, context);
  registerAdminUserStatusRoute(app, context);
  registerAdminUserSessionsRoute(app, context);
  registerPasswordRoute(app, context);
  registerAdminUserRecoveryRoutes(app, context);
  registerAdminUserIdentityRoutes(app, context);
  registerAdminAuditLogRoutes(app, context);
  registerAdminAuditVerifyRoute(app, context);
  registerAdminUiRoutes(app, options.adminUiDir ?? defaultAdminUiDir());
  registerSsoRoutes(app, context);
  registerSsoBackchannelRoute(app, context);
  registerAdminSsoRoutes(app, context);
  registerGrantRoutes(app, context);
  registerGrantReviewRoutes(app, context);
  registerBootstrapPage(app);
  return app;
}
