#!/usr/bin/env node
// SQLCipher built for Electron, beside the one built for Node.
//
// The core runs under Node (CLI, browser mode, tests) and under Electron (utility process), whose
// ABIs differ. Rebuilding better-sqlite3 in place for Electron (electron-rebuild) would break the
// CLI and the tests, so when a real Electron binary is installed this builds a second copy into
// node_modules/.clientele/electron-native/, and main/store/native-binding.ts points the driver at
// it when running inside Electron. Runs as postinstall: it never fails `npm install`; without the
// copy `npm start` says so and uses browser mode.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const PACKAGE = 'better-sqlite3-multiple-ciphers';
const outDir = join(root, 'node_modules', '.clientele', 'electron-native', PACKAGE);

function electronVersion() {
  try {
    const binary = require('electron');
    if (typeof binary !== 'string' || !existsSync(binary)) return null;
    return JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

const version = electronVersion();
if (!version) process.exit(0); // no Electron here: nothing to build
const marker = join(outDir, 'ELECTRON_VERSION');
if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === version) process.exit(0);

try {
  const source = dirname(require.resolve(`${PACKAGE}/package.json`));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  cpSync(source, outDir, { recursive: true, filter: (path) => !path.includes(`${PACKAGE}/build`) });
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  const built = spawnSync(
    process.execPath,
    [nodeGyp, 'rebuild', '--release', `--target=${version}`, '--dist-url=https://electronjs.org/headers'],
    { cwd: outDir, stdio: 'inherit', env: { ...process.env, npm_config_runtime: 'electron' } },
  );
  if (built.status !== 0) throw new Error(`node-gyp exited with ${built.status}`);
  cpSync(join(outDir, 'build', 'Release', 'better_sqlite3.node'), join(outDir, 'better_sqlite3.node'));
  readFileSync(join(outDir, 'better_sqlite3.node'));
  // The marker last: an interrupted build is redone next time.
  spawnSync(process.execPath, [
    '-e',
    `require('fs').writeFileSync(${JSON.stringify(marker)}, ${JSON.stringify(version)})`,
  ]);
  console.log(`Clientele: SQLCipher built for Electron ${version}.`);
} catch (error) {
  console.log(
    `Clientele: SQLCipher for Electron ${version} could not be built (${error.message}); npm start will use browser mode.`,
  );
}
