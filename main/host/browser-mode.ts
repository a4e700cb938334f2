import { fileURLToPath } from 'node:url';
import { startCore } from '../core/core.js';
import { defaultDataDir } from '../core/profile/paths.js';
import { createLogger } from '../util/logger.js';
import { startBrowserHost } from './browser-host.js';
import { openSystemBrowser } from '../platform/system-browser.js';

export type BrowserModeOptions = { dataDir?: string; port?: number; open: boolean };

const RENDERER_DIR = fileURLToPath(new URL('../../renderer/', import.meta.url));

/** Browser mode: the core as a plain Node process with the renderer served on 127.0.0.1. */
export async function runBrowserMode(options: BrowserModeOptions): Promise<void> {
  const log = createLogger('clientele');
  const core = await startCore({ dataDir: options.dataDir ?? defaultDataDir(), log, backgroundSync: true });
  const host = await startBrowserHost({ core, rendererDir: RENDERER_DIR, log, port: options.port });

  process.stdout.write(
    `Clientele is running in browser mode. Open this link (it holds this launch's secret):\n  ${host.launchUrl}\n`,
  );
  if (options.open && (await openSystemBrowser(host.launchUrl))) process.stdout.write('Opened it in your browser.\n');

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void host
      .close()
      .then(() => core.close())
      .catch((error: unknown) => log.error({ err: error }, 'shutting down failed'))
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Entry used by scripts/start.mjs and tests: node out/main/host/browser-mode.js [--data-dir D] [--port P] [--no-open] */
export function parseBrowserModeArgs(argv: string[]): BrowserModeOptions {
  const options: BrowserModeOptions = { open: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--data-dir') options.dataDir = argv[++i];
    else if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--no-open') options.open = false;
  }
  return options;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runBrowserMode(parseBrowserModeArgs(process.argv.slice(2))).catch((error: unknown) => {
    process.stderr.write(`Clientele could not start: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
