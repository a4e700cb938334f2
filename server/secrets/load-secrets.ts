import type { Kysely } from 'kysely';
import { AppError } from '../../common/errors.js';
import { loadDataDirKey, type DataDirKey } from './data-dir-key.js';
import { keyIdsInUse, takeInventory } from './inventory.js';
import { readKeyFile } from './key-file.js';
import { describeKeySource, type KeySource } from './key-source.js';
import { parseServerKey, type ServerKey } from './server-key.js';
import { ServerSecrets } from './server-secrets.js';

export type LoadedSecrets = {
  secrets: ServerSecrets;
  source: KeySource;
  /** What the server should tell its admin at start (a key file made, a rotation finished...). */
  notices: string[];
};

/** The key a source names; a data-dir file is made only when `create` and nothing is sealed yet. */
export function keyFromSource(source: KeySource, inUse: ReadonlyMap<string, number>, create: boolean): DataDirKey {
  if (source.kind === 'text') return { key: parseServerKey(source.text, source.origin) };
  if (source.kind === 'data-dir') return loadDataDirKey(source.path, inUse, create);
  const key = readKeyFile(source.path);
  if (!key) throw new AppError('SERVER_KEY_MISSING', `The key file ${source.path} does not exist.`);
  return { key };
}

function mismatch(key: ServerKey, source: KeySource, inUse: ReadonlyMap<string, number>): AppError {
  const [expected, count] = [...inUse][0]!;
  return new AppError(
    'SERVER_KEY_MISMATCH',
    `The database's secrets are sealed with server key ${expected} (${count} value${count === 1 ? '' : 's'}), ` +
      `but ${describeKeySource(source)} holds key ${key.id}. Start the server with key ${expected} ` +
      '(`npm run server -- secrets status` prints the id of the key it is given). Nothing was changed.',
  );
}

/**
 * At start, before migrating: the key, checked against the key ids the database's sealed values
 * name, so a wrong key fails here with both ids instead of at the first policy or 2FA sign-in (and
 * a lost key is never replaced by a new one that would open nothing).
 */
export async function loadServerSecrets<DB>(db: Kysely<DB>, source: KeySource): Promise<LoadedSecrets> {
  const inUse = keyIdsInUse(await takeInventory(db));
  const { key, notice } = keyFromSource(source, inUse, true);
  if (inUse.size > 0 && !inUse.has(key.id)) throw mismatch(key, source, inUse);
  const notices = notice ? [notice] : [];
  const others = [...inUse].filter(([keyId]) => keyId !== key.id);
  if (others.length > 0) {
    const list = others.map(([keyId, count]) => `${count} with key ${keyId}`).join(', ');
    notices.push(
      `Some values are sealed with a key this server does not have (${list}): they can't be read. ` +
        'Finish the rotation: `npm run server -- secrets rotate` with that key as the previous one.',
    );
  }
  return { secrets: new ServerSecrets(key), source, notices };
}
