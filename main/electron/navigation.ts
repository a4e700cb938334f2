import { app, shell, type Session } from 'electron';
import type { Logger } from '../util/logger.js';
import { isAppUrl } from './app-url.js';

// Keeps every webContents inside the app: a page that navigates away, opens windows or embeds
// <webview> would escape the CSP and the IPC guard. Links meant for the browser go to the OS.

/** Call before 'ready' so the very first webContents is covered. */
export function installNavigationGuards(log: Logger): void {
  app.on('web-contents-created', (_event, contents) => {
    // Blocked, not forwarded to the browser: only an explicit new-window link (below) leaves the app.
    contents.on('will-navigate', (event) => {
      if (isAppUrl(event.url)) return;
      event.preventDefault();
      log.warn({ url: originOf(event.url) }, 'navigation blocked');
    });

    contents.on('will-redirect', (event) => {
      if (isAppUrl(event.url)) return;
      event.preventDefault();
      log.warn({ url: originOf(event.url) }, 'redirect blocked');
    });

    // New windows are never created; https links open in the user's browser.
    contents.setWindowOpenHandler(({ url }) => {
      openExternally(url, log);
      return { action: 'deny' };
    });

    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      log.warn('webview attach blocked');
    });
  });
}

/**
 * The app asks for no browser permission (camera, notifications, geolocation, USB, ...) except
 * writing to the clipboard from its own pages: the recovery key's Copy button needs it.
 */
const ALLOWED_FOR_APP = new Set(['clipboard-sanitized-write']);

export function denyAllPermissions(session: Session, log: Logger): void {
  session.setPermissionRequestHandler((contents, permission, callback) => {
    const allowed = ALLOWED_FOR_APP.has(permission) && isAppUrl(contents.getURL());
    if (!allowed) log.warn({ permission }, 'permission request denied');
    callback(allowed);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => {
    return ALLOWED_FOR_APP.has(permission) && isAppUrl(requestingOrigin);
  });
  session.setDevicePermissionHandler(() => false);
}

/** Only https: file:, javascript:, custom protocol handlers and plain http never reach the OS. */
function openExternally(raw: string, log: Logger): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return;
  shell.openExternal(url.toString()).catch((error: unknown) => log.warn({ err: error }, 'could not open link'));
}

function originOf(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'unparsable';
  }
}
