import type { FastifyInstance } from 'fastify';
import { isLoopback } from '../net/ip-allowlist.js';
import type { ServerContext } from '../context.js';
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
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?', 1)[0]!;
    if (ALWAYS_OPEN.has(path)) return;
    const { allowlist } = await context.settings.get();
    if (allowlist.empty || isLoopback(request.ip) || allowlist.allows(request.ip)) return;
    request.log.info({ ip: request.ip, path }, 'refused by the IP allowlist');
    return sendError(reply, { code: 'FORBIDDEN', message: 'Requests from this network are not allowed.' });
  });
}
