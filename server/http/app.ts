import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ServerContext } from '../context.js';
import { installErrorHandling } from './errors.js';
import { registerAdminSessionRoutes } from './routes/admin-sessions.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerBootstrapPage } from './routes/bootstrap-page.js';
import { registerHealthRoute } from './routes/health.js';
import { installSecurityHeaders } from './security-headers.js';

export type BuildServerOptions = {
  logger?: FastifyServerOptions['logger'];
  /** Behind a TLS-terminating proxy: trust its X-Forwarded-* so cookies get Secure and HSTS is sent. */
  trustProxy?: boolean;
};

/** The team server's HTTP app, without listening: tests use `inject`, main.ts listens. */
export function buildServer(context: ServerContext, options: BuildServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 64 * 1024,
  });
  installSecurityHeaders(app);
  installErrorHandling(app);
  registerHealthRoute(app, context);
  registerAuthRoutes(app, context);
  registerAdminSessionRoutes(app, context);
  registerBootstrapPage(app);
  return app;
}
