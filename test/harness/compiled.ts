import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILD_INFO = join(ROOT, 'out/tsbuildinfo/main.tsbuildinfo');

/**
 * Tests that run compiled code (MIME workers need JavaScript on Node 20; see
 * main/sync/mime/parser-pool.ts) first check the build is newer than every source of main/ and
 * common/: a stale build would silently test old code. `npm test` builds first.
 */
export function assertBuildIsCurrent(): void {
  const built = existsSync(BUILD_INFO) ? statSync(BUILD_INFO).mtimeMs : 0;
  for (const dir of ['main', 'common']) {
    for (const file of sourcesUnder(join(ROOT, dir))) {
      if (statSync(file).mtimeMs > built) {
        throw new Error(
          `out/ is missing or older than ${file.slice(ROOT.length)}: run \`npx tsc -b\` (npm test builds first)`,
        );
      }
    }
  }
}

function* sourcesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourcesUnder(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}
