import { readFile, stat } from 'node:fs/promises';
import { join, normalize, resolve, sep } from 'node:path';
import { mimeTypeFor } from '../util/mime-types.js';

export type StaticFile = { body: Buffer; contentType: string };

/** Reads a file of the built renderer; null for anything outside it or missing. */
export async function readStaticFile(rootDir: string, urlPath: string): Promise<StaticFile | null> {
  const root = resolve(rootDir);
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const full = resolve(join(root, normalize(relative)));
  if (full !== root && !full.startsWith(root + sep)) return null;
  try {
    if (!(await stat(full)).isFile()) return null;
    return { body: await readFile(full), contentType: mimeTypeFor(full) };
  } catch {
    return null;
  }
}
