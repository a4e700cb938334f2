import { BrowserWindow } from 'electron';
import type { Logger } from '../util/logger.js';
import { APP_ENTRY_URL } from './app-url.js';
import { paths } from './paths.js';

// The one kind of window Clientele opens, locked down, and the registry the IPC guard consults.

/** webContents ids of windows we created: IPC from anything else is refused (ipc-guard.ts). */
const ours = new Set<number>();

export function isOurWebContents(id: number): boolean {
  return ours.has(id);
}

export function createMainWindow(options: { isPackaged: boolean; log: Logger }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false, // shown on ready-to-show: no white flash
    title: 'Clientele',
    icon: paths.icon,
    backgroundColor: '#f8fafc',
    webPreferences: {
      preload: paths.preload,
      // The renderer is a web page: no Node, its own JS world, Chromium's sandbox.
      // (The old `remote` module no longer exists in Electron, so there is nothing to disable.)
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
      devTools: !options.isPackaged,
    },
  });

  const id = window.webContents.id;
  ours.add(id);
  window.webContents.once('destroyed', () => ours.delete(id));
  window.once('ready-to-show', () => window.show());
  window.webContents.on('render-process-gone', (_event, details) => {
    options.log.error({ reason: details.reason, exitCode: details.exitCode }, 'renderer process gone');
  });

  window.loadURL(APP_ENTRY_URL).catch((error: unknown) => {
    options.log.error({ err: error }, 'could not load the renderer (was `npm run build` run?)');
  });
  return window;
}
