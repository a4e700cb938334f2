import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '../../common/errors.js';
import { newServerKeyText, parseServerKey, type ServerKey } from './server-key.js';

/** The key in a file, or undefined when there is no such file. */
export function readKeyFile(path: string): ServerKey | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('SERVER_KEY_MISSING', `The key file ${path} can't be read: ${(error as Error).message}`);
  }
  return parseServerKey(text, `The key file ${path}`);
}

/** Makes sure a directory entry (a new or renamed file) survives a crash. */
function syncDir(path: string): void {
  // Windows can't open a directory to flush it (NTFS journals the entry itself).
  if (process.platform === 'win32') return;
  const fd = openSync(dirname(path), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes text to a new temp file beside `path`, 0600 from the start, flushed to disk. */
function writeTemp(path: string, text: string): string {
  const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600); // the umask may only narrow the mode, but be explicit
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/**
 * Creates a key file holding a new key, atomically and without overwriting: the key is written
 * whole to a temp file, then linked under its name (link fails if the name exists, where rename
 * would replace it). Two processes starting at once on one data dir thus end up with the same key:
 * the loser reads the winner's. Returns the key and whether this call made it.
 */
export function createKeyFile(path: string): { key: ServerKey; created: boolean } {
  const temp = writeTemp(path, `${newServerKeyText()}\n`);
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const existing = readKeyFile(path);
    if (existing) return { key: existing, created: false };
    throw error;
  } finally {
    unlinkSync(temp);
  }
  syncDir(path);
  return { key: readKeyFile(path)!, created: true };
}

/** Writes (or replaces) a key file atomically: a reader sees the old file or the new one, whole. */
export function writeKeyFile(path: string, text: string): void {
  renameSync(writeTemp(path, text), path);
  syncDir(path);
}

/** Moves a key file to its final name, replacing what was there atomically. */
export function moveKeyFile(from: string, to: string): void {
  renameSync(from, to);
  syncDir(to);
}

/** Gives a key file a second name (the previous key kept for old backups); no-op when it exists. */
export function keepKeyFileAs(path: string, keptPath: string): void {
  try {
    linkSync(path, keptPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  syncDir(keptPath);
}
