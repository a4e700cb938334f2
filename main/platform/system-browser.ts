import { spawn } from 'node:child_process';

/**
 * Opens a URL in the user's default browser (xdg-open, open, start). Resolves true when the
 * opener started, false when none could be run (or there is no desktop session): not opening
 * is never an error, the URL is printed or shown as well. On Windows the '&' of a URL (OAuth
 * query strings, browser mode's launch link) is escaped for cmd's start.
 */
export function openSystemBrowser(
  url: string,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  // No desktop session (ssh, a server): xdg-open would fail quietly, so say at once that nothing opened.
  if (platform !== 'darwin' && platform !== 'win32' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return Promise.resolve(false);
  }
  const [command, args] =
    platform === 'darwin'
      ? ['open', [url]]
      : platform === 'win32'
        ? // start's first quoted argument is the window title; the URL comes after it.
          ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
