import type { FastifyReply, FastifyRequest } from 'fastify';
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
 *
 * Run by the request hook (server/http/request-checks.ts) before the route's access: true to go on,
 * false when it answered 403. Synchronous while the settings are cached (every request but one per
 * 5 s); the health check never waits for the settings (load balancers probe it while the database is
 * down), it is open anyway.
 */
export function ipAllowed(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
): boolean | Promise<boolean> {
  const cached = context.settings.peek();
  if (cached) return check(request, reply, cached);
  if (ALWAYS_OPEN.has(request.url.split('?', 1)[0]!)) return true;
  return context.settings.get().then((settings) => check(request, reply, settings));
}

function check(request: FastifyRequest, reply: FastifyReply, settings: WorkspaceSettings): boolean {
  const { allowlist } = settings;
  if (allowlist.empty || isLoopback(request.ip) || allowlist.allows(request.ip)) return true;
  const path = request.url.split('?', 1)[0]!;
  if (ALWAYS_OPEN.has(path)) return true;
  request.log.info({ ip: request.ip, path }, 'refused by the IP allowlist');
  sendError(reply, { code: 'FORBIDDEN', message: 'Requests from this network are not allowed.' });
  return false;
}
