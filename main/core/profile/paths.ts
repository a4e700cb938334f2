import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const APP_DIR_NAME = 'Clientele';

/** The OS app-data folder: ~/.config/Clientele, ~/Library/Application Support/Clientele, %APPDATA%\Clientele. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.CLIENTELE_DATA_DIR) return resolve(env.CLIENTELE_DATA_DIR);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_DIR_NAME);
}

export type ProfilePaths = {
  dir: string;
  profileFile: string;
  database: string;
  recoveryFile: string;
  lockFile: string;
};

export function profilePaths(dataDir: string): ProfilePaths {
  const dir = resolve(dataDir);
  return {
    dir,
    profileFile: join(dir, 'profile.json'),
    database: join(dir, 'clientele.db'),
    recoveryFile: join(dir, 'recovery.json'),
    lockFile: join(dir, 'core.lock'),
  };
}
