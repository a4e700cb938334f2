import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { authorizeRequest } from './authorize.js';
import { ipAllowed } from './ip-allowlist-hook.js';
import { setSecurityHeaders } from './security-headers.js';

/** The IP allowlist answered (403): the request goes no further. */
const ANSWERED = Symbol('answered');

/**
 * The one hook every request goes through before its handler (one hook rather than three: each
 * hook stage Fastify runs costs about as much as a small route): the security headers, the IP
 * allowlist, then the route's access (server/http/route-access.ts, authorize.ts). Callback style and
 * synchronous when nothing has to wait (SQLite, settings cached): no promise per request then.
 */
export function installRequestChecks(app: FastifyInstance, context: ServerContext): void {
  app.addHook('onRequest', (request, reply, done) => {
    let pending: Promise<unknown> | undefined;
    try {
      setSecurityHeaders(request, reply);
      const allowed = ipAllowed(context, request, reply);
      if (allowed === false) return; // answered 403: not done(), the reply is sent
      if (allowed === true) {
        const authorized = authorizeRequest(context, request);
        if (authorized instanceof Promise) pending = authorized;
      } else {
        pending = allowed.then((ok) => (ok ? authorizeRequest(context, request) : ANSWERED));
      }
    } catch (error) {
      done(error as Error);
      return;
    }
    if (!pending) {
      done();
      return;
    }
    pending.then(
      (outcome) => {
        if (outcome !== ANSWERED) done();
      },
      (error: unknown) => done(error as Error),
    );
  });
}
