import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const SERVER_DIR_NAME = 'Clientele Server';

/**
 * Where the embedded SQLite file lives by default: the OS app-data folder, beside (not inside)
 * the desktop's profile folder. `--data-dir` or CLIENTELE_SERVER_DATA_DIR override it.
 */
export function defaultServerDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.CLIENTELE_SERVER_DATA_DIR) return resolve(env.CLIENTELE_SERVER_DATA_DIR);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', SERVER_DIR_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), SERVER_DIR_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), SERVER_DIR_NAME);
}

export function sqliteFileIn(dataDir: string): string {
  return join(resolve(dataDir), 'server.db');
}
