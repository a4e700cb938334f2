import { basename, dirname } from 'node:path';
import { AppError } from '../../common/errors.js';
import { createKeyFile, keepKeyFileAs, moveKeyFile, readKeyFile, writeKeyFile } from './key-file.js';
import { KEY_ENV } from './key-source.js';
import { newServerKeyText, type ServerKey } from './server-key.js';

/**
 * The embedded SQLite set-up's own key file, <data dir>/server-secret.key, and its rotation:
 * `secrets rotate` first writes the new key to server-secret.key.new, re-seals, then swaps the
 * files, keeping the old key as server-secret.key.previous-<id> for backups made before. A crash
 * between the commit and the swap is finished by the next start (finishPendingRotation).
 */

export const pendingKeyFile = (path: string): string => `${path}.new`;
export const previousKeyFile = (path: string, keyId: string): string => `${path}.previous-${keyId}`;

export type DataDirKey = { key: ServerKey; notice?: string };

/**
 * The key in the file. Missing: made now (and said so) only when the database has nothing sealed;
 * otherwise a new key could open nothing, so it is an error naming the key the database expects.
 */
export function loadDataDirKey(path: string, keyIdsInUse: ReadonlyMap<string, number>, create: boolean): DataDirKey {
  const existing = readKeyFile(path);
  if (existing) {
    const finished = keyIdsInUse.has(existing.id) ? undefined : finishPendingRotation(path, keyIdsInUse);
    return finished ?? { key: existing };
  }
  const expected = [...keyIdsInUse.keys()][0];
  if (expected !== undefined) {
    throw new AppError(
      'SERVER_KEY_MISSING',
      `The database's secrets are sealed with server key ${expected}, and its key file ${basename(path)} is ` +
        `missing from ${dirname(path)}. Put that file back from your backup (or give the key with ${KEY_ENV} or ` +
        '--secret-key-file); a new key could not open them, so none is made.',
    );
  }
  if (!create) {
    throw new AppError(
      'SERVER_KEY_MISSING',
      `There is no key file ${path} yet: the server makes it on its first start.`,
    );
  }
  const made = createKeyFile(path);
  return {
    key: made.key,
    notice: made.created
      ? `Created the server secret key ${path} (mode 0600, key id ${made.key.id}). Back it up apart from the ` +
        'database: without it the workspace signing key and the 2FA secrets can not be read.'
      : undefined,
  };
}

/** The key of an interrupted rotation, when its .new file holds the key the database now uses. */
function finishPendingRotation(path: string, keyIdsInUse: ReadonlyMap<string, number>): DataDirKey | undefined {
  const pending = readKeyFile(pendingKeyFile(path));
  if (!pending || !keyIdsInUse.has(pending.id)) return undefined;
  const old = swapInPendingKey(path);
  return {
    key: pending,
    notice: `Finished an interrupted key rotation: ${basename(path)} now holds key ${pending.id} (key ${old.id} kept as ${basename(previousKeyFile(path, old.id))}).`,
  };
}

/** The new key for a rotation: a pending one left by an interrupted rotation, else a new one written as .new. */
export function preparePendingKey(path: string): ServerKey {
  const pendingPath = pendingKeyFile(path);
  const pending = readKeyFile(pendingPath);
  if (pending) return pending;
  writeKeyFile(pendingPath, `${newServerKeyText()}\n`);
  return readKeyFile(pendingPath)!;
}

/** After the re-sealing committed: keeps the old key under a second name, then moves the new one in. */
export function swapInPendingKey(path: string): ServerKey {
  const old = readKeyFile(path);
  if (!old) throw new AppError('SERVER_KEY_MISSING', `The key file ${path} disappeared during the rotation.`);
  keepKeyFileAs(path, previousKeyFile(path, old.id));
  // rename replaces atomically: the name always holds one whole key, the old or the new.
  moveKeyFile(pendingKeyFile(path), path);
  return old;
}
