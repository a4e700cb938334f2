import { createHash } from 'node:crypto';
import { join } from 'node:path';

/**
 * Unix socket paths are short (sun_path: 104 bytes on macOS, 108 on Linux, with the NUL); a longer
 * profile folder gets no control socket rather than one outside the folder.
 */
const MAX_UNIX_PATH_BYTES = 103;

/**
 * Where the core holding a profile answers the CLI's calls (see control-server.ts): a socket inside
 * the profile folder (0700, the socket itself 0600: only the profile's owner can connect), or on
 * Windows a named pipe named after the folder. Null when the folder's path is too long for a socket.
 */
export function controlSocketPath(profileDir: string, platform: NodeJS.Platform = process.platform): string | null {
  if (platform === 'win32') {
    const id = createHash('sha256').update(profileDir.toLowerCase()).digest('hex').slice(0, 32);
    return `\\\\.\\pipe\\clientele-${id}`;
  }
  const path = join(profileDir, 'core.sock');
  return Buffer.byteLength(path) <= MAX_UNIX_PATH_BYTES ? path : null;
}

/** One request line: a call by name with its input (the same as `clientele call`). */
export type ControlRequest = { id: number; method: string; input: unknown };
/** One answer line: the call's result, under the request's id (null for a line that was not a request). */
export type ControlAnswer = { id: number | null; result: unknown };

/** Longest line either side accepts: a CSV import travels whole in its call's input. */
export const MAX_CONTROL_LINE_BYTES = 64 * 1024 * 1024;
