#!/usr/bin/env -S node --max-semi-space-size=4
// The `clientele` command: runs the compiled CLI (npm install builds it through `prepare`). The
// shebang's flags are the core's (main/core/core-node-flags.ts): the CLI runs the core in-process.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('Clientele is not built yet: run `npm run build` in its folder first.\n');
  process.exit(1);
}
const { main } = await import(pathToFileURL(cli).href);
process.exit(await main(process.argv));
