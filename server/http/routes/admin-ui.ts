import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../../common/errors.js';
import { readAdminUiFile } from '../admin-ui-files.js';
import { ADMIN_UI_CSP } from '../security-headers.js';

/** Vite names every built asset by its content hash: a new build is a new URL, so a year is safe. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The admin web UI under /admin/: hashed assets (cacheable for good), other files of the build
 * (revalidated), and index.html for every other path below /admin/ so the React router owns them
 * (never cached: it names the current assets). The IP allowlist's hook runs before all of this.
 */
export function registerAdminUiRoutes(app: FastifyInstance, adminUiDir: string): void {
  app.get('/admin', async (_request, reply) => reply.redirect('/admin/', 302));

  app.get('/admin/*', async (request, reply) => {
    // Already percent-decoded by Fastify (a malformed escape is its 400); the file reader keeps it inside the build.
    const decoded = (request.params as { '*': string })['*'];
    if (decoded.startsWith('assets/')) {
      const asset = await readAdminUiFile(adminUiDir, decoded);
      if (!asset) throw new AppError('NOT_FOUND', 'No such file.');
      return reply.header('cache-control', IMMUTABLE).type(asset.contentType).send(asset.body);
    }
    // A path with an extension names a file (favicon.svg); only paths without one are the app's routes.
    if (/\.[a-z0-9]+$/i.test(decoded)) {
      const file = await readAdminUiFile(adminUiDir, decoded);
      if (!file) throw new AppError('NOT_FOUND', 'No such file.');
      return reply.header('cache-control', 'no-cache').type(file.contentType).send(file.body);
    }
    return sendIndex(reply, adminUiDir);
  });
}

async function sendIndex(reply: FastifyReply, adminUiDir: string): Promise<FastifyReply> {
  const index = await readAdminUiFile(adminUiDir, 'index.html');
  if (!index) {
    throw new AppError(
      'TEMPORARY',
      'The admin UI is not built on this server: run `npm run build` (or start it with `npm run server`, which builds it).',
    );
  }
  return reply
    .header('content-security-policy', ADMIN_UI_CSP)
    .header('cache-control', 'no-store')
    .type(index.contentType)
    .send(index.body);
}
