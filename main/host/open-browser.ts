import { spawn } from 'node:child_process';

/** Best effort: hands the URL to the desktop's default browser. Returns false when there is none. */
export function openInBrowser(url: string, platform = process.platform, env = process.env): boolean {
  let command: string;
  let args: string[];
  if (platform === 'darwin') [command, args] = ['open', [url]];
  else if (platform === 'win32') [command, args] = ['cmd', ['/c', 'start', '""', url]];
  else {
    if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return false;
    [command, args] = ['xdg-open', [url]];
  }
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
