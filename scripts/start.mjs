// `npm start`: the desktop app when an Electron binary can run here, otherwise browser mode,
// said in one line. Flags: --browser (force browser mode), --no-open, --data-dir DIR, --port N.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const root = fileURLToPath(new URL('..', import.meta.url));

function electronBinary() {
  try {
    // The electron package exports the path of its binary, and throws when the download failed.
    const binary = createRequire(import.meta.url)('electron');
    if (typeof binary === 'string' && existsSync(binary)) return { binary };
    return { reason: 'the Electron package has no binary' };
  } catch {
    return { reason: 'Electron is not installed (its binary could not be downloaded)' };
  }
}

function whyNotElectron() {
  if (args.includes('--browser') || process.env.CLIENTELE_BROWSER_MODE === '1')
    return { reason: 'browser mode requested' };
  const found = electronBinary();
  if (!found.binary) return found;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'there is no display to open a window on' };
  }
  const sqlcipher = new URL(
    '../node_modules/.clientele/electron-native/better-sqlite3-multiple-ciphers/better_sqlite3.node',
    import.meta.url,
  );
  if (!existsSync(fileURLToPath(sqlcipher))) {
    return { reason: 'SQLCipher is not built for Electron (see scripts/electron-native.mjs)' };
  }
  return found;
}

const choice = whyNotElectron();
if (choice.binary) {
  const dataDirIndex = args.indexOf('--data-dir');
  const env = { ...process.env };
  if (dataDirIndex >= 0 && args[dataDirIndex + 1]) env.CLIENTELE_DATA_DIR = args[dataDirIndex + 1];
  const child = spawn(choice.binary, [root], { stdio: 'inherit', env });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`Clientele: ${choice.reason}; starting browser mode instead.`);
  const entry = pathToFileURL(fileURLToPath(new URL('../out/main/host/browser-mode.js', import.meta.url))).href;
  const { runBrowserMode, parseBrowserModeArgs } = await import(entry);
  await runBrowserMode(parseBrowserModeArgs(args.filter((arg) => arg !== '--browser')));
}
