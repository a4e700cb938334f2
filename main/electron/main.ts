import { app, session, Menu, webContents, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { defaultDataDir } from '../core/profile/paths.js';
import { createLogger } from '../util/logger.js';
import { registerAppScheme, serveAppScheme } from './app-protocol.js';
import { startCoreProcess } from './core-process.js';
import { forwardEvent } from './event-forward.js';
import { registerIpc } from './ipc.js';
import { buildAppMenu } from './menu.js';
import { denyAllPermissions, installNavigationGuards } from './navigation.js';
import { paths } from './paths.js';
import { createTray } from './tray.js';
import { startUpdater } from './updater.js';
import { createMainWindow, isOurWebContents } from './window.js';

// Electron entry (package.json "main"). Main stays thin: it owns windows, menu, tray and updates,
// and routes checked IPC to the core, which runs in its own utility process.

const log = createLogger('electron');
const dataDir = defaultDataDir();

// Everything below until whenReady() must happen before 'ready': ESM entry code runs before it.
registerAppScheme();
app.enableSandbox(); // every renderer sandboxed, whatever a future window forgets to set
// Chromium's own files (cache, local storage, the single-instance lock) in a subfolder of the
// profile's folder, not mixed with profile.json and the database. Per data dir, so two profiles
// (CLIENTELE_DATA_DIR) can run side by side while one profile never opens twice.
app.setPath('userData', join(dataDir, 'chromium'));
if (process.platform === 'win32') app.setAppUserModelId('com.clientele.desktop');
installNavigationGuards(log);

if (!app.requestSingleInstanceLock()) {
  // Another Clientele has this profile open: it gets focused (second-instance) and we leave.
  app.quit();
} else {
  void run();
}

async function run(): Promise<void> {
  let window: BrowserWindow | null = null;
  const showWindow = (): void => {
    if (!window || window.isDestroyed()) {
      window = createMainWindow({ isPackaged: app.isPackaged, log }); // shows itself once painted
      return;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  app.on('second-instance', () => {
    if (app.isReady()) showWindow();
  });

  await app.whenReady();
  log.info({ version: app.getVersion(), electron: process.versions.electron, dataDir }, 'starting');

  serveAppScheme(paths.renderer, log);
  denyAllPermissions(session.defaultSession, log);
  const core = startCoreProcess({
    entry: paths.coreEntry,
    dataDir,
    log,
    onEvent: (event) => forwardEvent(event, webContents.getAllWebContents(), { isOurWebContents }),
  });
  const disposeIpc = registerIpc({ core, guard: { isOurWebContents }, log });
  const updater = startUpdater(log);
  Menu.setApplicationMenu(
    buildAppMenu({ isPackaged: app.isPackaged, ...(updater ? { onCheckForUpdates: updater.checkNow } : {}) }),
  );
  showWindow();
  // Held for the app's lifetime: a garbage-collected Tray disappears.
  const tray = createTray({ iconPath: paths.icon, onShow: showWindow, onQuit: () => app.quit(), log });

  app.on('activate', showWindow); // macOS: dock click with no window open
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Quit waits for the core to close its store (last transaction, profile lock); electron-updater
  // installs a downloaded update on the 'quit' that follows.
  let coreStopped = false;
  let stopping = false;
  app.on('will-quit', (event) => {
    if (coreStopped) return;
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    updater?.stop();
    disposeIpc();
    tray?.destroy();
    core
      .stop()
      .catch((error: unknown) => log.error({ err: error }, 'core stop failed'))
      .finally(() => {
        coreStopped = true;
        app.quit();
      });
  });
}
