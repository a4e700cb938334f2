import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Inside Electron the core loads the SQLCipher addon built for Electron's ABI by
 * scripts/electron-native.mjs (the default one is built for Node, for the CLI and the tests).
 * Under Node: undefined, the package's own build.
 */
export function sqliteNativeBinding(): string | undefined {
  if (!process.versions.electron) return undefined;
  const path = fileURLToPath(
    new URL(
      '../../../node_modules/.clientele/electron-native/better-sqlite3-multiple-ciphers/better_sqlite3.node',
      import.meta.url,
    ),
  );
  return existsSync(path) ? path : undefined;
}
