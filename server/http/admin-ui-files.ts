import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where `vite build --config server/admin-ui/vite.config.ts` puts the admin UI: out/server/admin-ui
 * under the project root. The root is found by walking up to package.json, so the same answer comes
 * from the compiled server (out/server/http) and from its sources run by the tests (server/http).
 */
export function defaultAdminUiDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('The project root (package.json) was not found above the server.');
    dir = parent;
  }
  return join(dir, 'out', 'server', 'admin-ui');
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

export type AdminUiFile = { body: Buffer; contentType: string };

/** A file of the build by its path below /admin/; null for anything missing, unknown or outside it. */
export async function readAdminUiFile(rootDir: string, relativePath: string): Promise<AdminUiFile | null> {
  const root = resolve(rootDir);
  if (relativePath.includes('\0')) return null;
  const full = resolve(join(root, relativePath));
  if (!full.startsWith(root + sep)) return null;
  const contentType = CONTENT_TYPES[extname(full)];
  if (!contentType) return null;
  try {
    if (!(await stat(full)).isFile()) return null;
    return { body: await readFile(full), contentType };
  } catch {
    return null;
  }
}
