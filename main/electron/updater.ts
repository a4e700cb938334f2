import { app } from 'electron';
import electronUpdater from 'electron-updater';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../util/logger.js';

// Silent updates from a generic HTTPS feed (latest.yml & co. as electron-builder publishes them):
// download in the background, install when the user quits. Never in development builds.

const CHECK_EVERY_MS = 6 * 60 * 60 * 1000;
const FIRST_CHECK_AFTER_MS = 30_000;
/** The placeholder in electron-builder.yml; a build that still carries it has no update feed. */
const PLACEHOLDER_HOST = 'example.invalid';

export type UpdaterHandle = { checkNow: () => void; stop: () => void };

/**
 * Feed URL, first found wins: `feedUrl` (from settings, once they carry one), the
 * CLIENTELE_UPDATE_URL environment variable, the app-update.yml electron-builder baked in from
 * `publish` (ignored while it is the placeholder).
 */
export function startUpdater(log: Logger, feedUrl?: string): UpdaterHandle | null {
  if (!app.isPackaged) {
    log.debug('updates off: not a packaged build');
    return null;
  }
  // electron-updater is CommonJS and defines autoUpdater with a getter, which Node's ESM
  // named-export detection misses: take it from the default export. The getter builds the
  // platform's updater, so it is only touched in packaged builds.
  const { autoUpdater } = electronUpdater;
  const url = feedUrl ?? process.env.CLIENTELE_UPDATE_URL;
  if (url !== undefined && url !== '') {
    if (!url.startsWith('https://')) {
      log.warn('updates off: the update URL must be https');
      return null;
    }
    autoUpdater.setFeedURL({ provider: 'generic', url });
  } else if (!hasRealBakedFeed()) {
    log.info('updates off: no update feed configured');
    return null;
  }

  autoUpdater.logger = {
    info: (message?: unknown) => log.info({ updater: message }, 'updater'),
    warn: (message?: unknown) => log.warn({ updater: message }, 'updater'),
    error: (message?: unknown) => log.error({ updater: message }, 'updater'),
    debug: (message: string) => log.debug({ updater: message }, 'updater'),
  };
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.allowDowngrade = false;
  autoUpdater.allowPrerelease = false;
  autoUpdater.on('error', (error) => log.warn({ err: error }, 'update check failed'));
  autoUpdater.on('update-downloaded', (info) =>
    log.info({ version: info.version }, 'update downloaded; installs on quit'),
  );

  const checkNow = (): void => {
    autoUpdater.checkForUpdates().catch((error: unknown) => log.warn({ err: error }, 'update check failed'));
  };
  const first = setTimeout(checkNow, FIRST_CHECK_AFTER_MS);
  const every = setInterval(checkNow, CHECK_EVERY_MS);
  return {
    checkNow,
    stop: () => {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}

function hasRealBakedFeed(): boolean {
  const file = join(process.resourcesPath, 'app-update.yml');
  if (!existsSync(file)) return false;
  return !readFileSync(file, 'utf8').includes(PLACEHOLDER_HOST);
}
