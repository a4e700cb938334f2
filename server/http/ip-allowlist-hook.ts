import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isLoopback } from '../net/ip-allowlist.js';
import type { ServerContext } from '../context.js';
import type { WorkspaceSettings } from '../settings/workspace-settings.js';
import { sendError } from './errors.js';

/** Load balancers probe health from wherever they are; it tells nothing but "up". */
const ALWAYS_OPEN = new Set(['/api/health']);

/**
 * The workspace IP allowlist: when it is non-empty, every request except the health check from an
 * address outside all its networks gets 403. Loopback always passes so an admin on the server's own
 * machine can repair a list that shuts everyone else out. `request.ip` is the socket address, or the
 * client named by X-Forwarded-For when the server runs with trustProxy (behind a proxy, turn it on:
 * otherwise every request comes from the proxy's address).
 */
export function installIpAllowlist(app: FastifyInstance, context: ServerContext): void {
  const check = (request: FastifyRequest, reply: FastifyReply, settings: WorkspaceSettings): boolean => {
    const { allowlist } = settings;
    if (allowlist.empty || isLoopback(request.ip) || allowlist.allows(request.ip)) return true;
    const path = request.url.split('?', 1)[0]!;
    if (ALWAYS_OPEN.has(path)) return true;
    request.log.info({ ip: request.ip, path }, 'refused by the IP allowlist');
    sendError(reply, { code: 'FORBIDDEN', message: 'Requests from this network are not allowed.' });
    return false;
  };
  // Callback style, synchronous while the settings are cached (every request but one per 5 s): no
  // promise per request. The health check never waits for the settings (load balancers probe it
  // while the database is down); it is open anyway.
  app.addHook('onRequest', (request, reply, done) => {
    const cached = context.settings.peek();
    if (cached) {
      if (check(request, reply, cached)) done();
      return;
    }
    if (ALWAYS_OPEN.has(request.url.split('?', 1)[0]!)) return done();
    context.settings.get().then(
      (settings) => {
        if (check(request, reply, settings)) done();
      },
      (error: unknown) => done(error as Error),
    );
  });
}
