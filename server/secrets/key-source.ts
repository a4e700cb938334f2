import { dirname, join } from 'node:path';
import { AppError } from '../../common/errors.js';
import type { DatabaseTarget } from '../db/database.js';
import { MAKE_A_KEY } from './server-key.js';

export const KEY_ENV = 'CLIENTELE_SERVER_SECRET_KEY';
/** Only `secrets rotate` reads it: the key the values are sealed with now, to re-seal them under the new one. */
export const PREVIOUS_KEY_ENV = 'CLIENTELE_SERVER_SECRET_KEY_PREVIOUS';
/** The key file the embedded SQLite set-up makes beside server.db on its first start. */
export const DATA_DIR_KEY_FILE = 'server-secret.key';

/** Where the server secret key comes from. */
export type KeySource =
  /** Base64 text, from an environment variable (origin names it) or a test. */
  | { kind: 'text'; text: string; origin: string }
  /** A file the admin gave (--secret-key-file): must exist. */
  | { kind: 'file'; path: string }
  /** SQLite without a key given: <data dir>/server-secret.key, made on the first start. */
  | { kind: 'data-dir'; path: string };

export function describeKeySource(source: KeySource): string {
  if (source.kind === 'text') return source.origin;
  return `the key file ${source.path}`;
}

export function dataDirKeyFile(sqliteFile: string): string {
  return join(dirname(sqliteFile), DATA_DIR_KEY_FILE);
}

export const POSTGRES_NEEDS_A_KEY =
  `PostgreSQL needs the server secret key from ${KEY_ENV} or --secret-key-file PATH: several instances ` +
  'share the database, so none of them may make a key of its own. To start, ' +
  `${MAKE_A_KEY}, keep it in your secret store, and give the same key to every instance.`;

/**
 * The key given (the environment variable or --secret-key-file, never both), else on SQLite the
 * data-dir key file; on PostgreSQL a key must be given (SERVER_KEY_MISSING says how to make one).
 */
export function keySourceFor(options: {
  env: NodeJS.ProcessEnv;
  keyFile?: string | undefined;
  database: DatabaseTarget;
}): KeySource {
  const text = options.env[KEY_ENV];
  if (text && options.keyFile) {
    throw new AppError('VALIDATION', `Give the server secret key one way: ${KEY_ENV} or --secret-key-file, not both.`);
  }
  if (text) return { kind: 'text', text, origin: KEY_ENV };
  if (options.keyFile) return { kind: 'file', path: options.keyFile };
  if (options.database.kind === 'sqlite') return { kind: 'data-dir', path: dataDirKeyFile(options.database.file) };
  throw new AppError('SERVER_KEY_MISSING', POSTGRES_NEEDS_A_KEY);
}

/** The previous key for `secrets rotate`, when given. */
export function previousKeySourceFor(options: {
  env: NodeJS.ProcessEnv;
  keyFile?: string | undefined;
}): KeySource | undefined {
  const text = options.env[PREVIOUS_KEY_ENV];
  if (text && options.keyFile) {
    throw new AppError(
      'VALIDATION',
      `Give the previous key one way: ${PREVIOUS_KEY_ENV} or --previous-key-file, not both.`,
    );
  }
  if (text) return { kind: 'text', text, origin: PREVIOUS_KEY_ENV };
  if (options.keyFile) return { kind: 'file', path: options.keyFile };
  return undefined;
}
