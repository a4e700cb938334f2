import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { authorizeRequest } from './authorize.js';
import { ipAllowed } from './ip-allowlist-hook.js';
import { setSecurityHeaders } from './security-headers.js';

/**
 * The one hook every request goes through before its handler (one hook rather than three: each
 * hook stage Fastify runs costs about as much as a small route): the security headers, the IP
 * allowlist, then the route's access (server/http/route-access.ts, authorize.ts).
 */
export function installRequestChecks(app: FastifyInstance, context: ServerContext): void {
  app.addHook('onRequest', async (request, reply) => {
    setSecurityHeaders(request, reply);
    const allowed = ipAllowed(context, request, reply);
    if (allowed === false || (allowed !== true && !(await allowed))) return reply;
    await authorizeRequest(context, request);
    return undefined;
  });
}
