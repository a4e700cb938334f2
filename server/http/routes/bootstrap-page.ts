import type { FastifyInstance } from 'fastify';

/**
 * The one-time setup link (`/admin/setup#token=...`, or `/setup#token=...` as servers printed it
 * before the admin UI existed) opens the admin UI's first-admin page. The token sits in the URL
 * fragment, which browsers never send to a server (so it lands in no access log or Referer) and keep
 * across a redirect without a fragment of its own: /setup forwards to /admin/setup and the token follows.
 */
export function registerBootstrapPage(app: FastifyInstance): void {
  app.get('/setup', async (_request, reply) => reply.redirect('/admin/setup', 302));
}
