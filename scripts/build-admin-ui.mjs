// `npm run server` runs this before the server: it builds the admin web UI (server/admin-ui) into
// out/server/admin-ui when the build is missing or older than its sources, so a fresh clone works
// with `npm run server` alone, and a restart with nothing changed costs a directory walk, not a build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'out/server/admin-ui/index.html');
// Everything the admin UI's bundle is built from: its own folder, common/ and the shared ui/.
const sources = [join(root, 'server/admin-ui'), join(root, 'common'), join(root, 'ui')];

function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
if (builtAt > 0 && sources.every((dir) => newestIn(dir) <= builtAt)) process.exit(0);

let vite;
try {
  vite = await import('vite');
} catch {
  // An install without dev dependencies: the server still runs; /admin/ says the UI is not built.
  console.error(
    'The admin UI is not built and vite is not installed: /admin/ stays unavailable (npm install, then retry).',
  );
  process.exit(0);
}
await vite.build({ configFile: join(root, 'server/admin-ui/vite.config.ts'), logLevel: 'warn' });
