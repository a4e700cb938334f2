import { fileURLToPath } from 'node:url';

// Where the built pieces sit, found from this compiled file (out/main/electron/paths.js) so the
// same code works from the project folder and from inside app.asar.

const appRoot = fileURLToPath(new URL('../../../', import.meta.url));

export const paths = {
  appRoot,
  renderer: fileURLToPath(new URL('../../renderer/', import.meta.url)),
  preload: fileURLToPath(new URL('../../preload/preload.cjs', import.meta.url)),
  coreEntry: fileURLToPath(new URL('../core/utility-entry.js', import.meta.url)),
  /** Packed explicitly (electron-builder.yml `files`): buildResources are not packed by default. */
  icon: fileURLToPath(new URL('../../../assets/icon.png', import.meta.url)),
};
