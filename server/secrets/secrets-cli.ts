import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AppError } from '../../common/errors.js';
import { databaseTargetFromUrl, openDatabase, type DatabaseTarget } from '../db/database.js';
import { defaultServerDataDir, sqliteFileIn } from '../data-dir.js';
import { previousKeyFile, preparePendingKey, swapInPendingKey } from './data-dir-key.js';
import { keyIdsInUse, takeInventory } from './inventory.js';
import {
  dataDirKeyFile,
  KEY_ENV,
  keySourceFor,
  PREVIOUS_KEY_ENV,
  previousKeySourceFor,
  type KeySource,
} from './key-source.js';
import { keyFromSource } from './load-secrets.js';
import { rotateSecrets, type RotationReport } from './rotate.js';
import { describeStatus, secretsStatus } from './secrets-status.js';
import { newServerKeyText, parseServerKey, type ServerKey } from './server-key.js';
import { ServerSecrets } from './server-secrets.js';

export const SECRETS_USAGE = `Usage: npm run server -- secrets status [--data-dir DIR] [--secret-key-file PATH] [--json]
       npm run server -- secrets rotate [--data-dir DIR] [--secret-key-file NEW] [--previous-key-file OLD] [--json]
       npm run server -- secrets generate-key

  status        which key the database's sealed values use, how many there are, and whether the key
                given (${KEY_ENV}, --secret-key-file, or on SQLite the data dir's
                server-secret.key) opens them all. Exit code 0: it does; 1: it does not, or no key.
  rotate        re-seals every value under a new key in one transaction, audited as secrets.rotated.
                New key: ${KEY_ENV} or --secret-key-file; old key: ${PREVIOUS_KEY_ENV}
                or --previous-key-file. On SQLite with neither, it makes the new key itself and swaps
                the data dir's server-secret.key (the old one is kept as server-secret.key.previous-<id>).
                Stop every server instance first; start them with the new key afterwards.
  generate-key  prints a new key (base64) on stdout, its id on stderr.
  --data-dir DIR   the server's data dir (as for the server itself); DATABASE_URL selects PostgreSQL
  --json           one JSON object on stdout instead of sentences
`;

export type SecretsCommandOutput = { exitCode: number; stdout: string; stderr?: string };

type Options = {
  'data-dir'?: string | undefined;
  'secret-key-file'?: string | undefined;
  'previous-key-file'?: string | undefined;
  json?: boolean | undefined;
};

/** The database the command works on; a missing SQLite file is an error (opening would create it). */
function databaseOf(options: Options, env: NodeJS.ProcessEnv): DatabaseTarget {
  const target = databaseTargetFromUrl(
    env.DATABASE_URL,
    sqliteFileIn(options['data-dir'] ?? defaultServerDataDir(env)),
  );
  if (target.kind === 'sqlite' && !existsSync(target.file)) throw new Error(`No server database at ${target.file}`);
  return target;
}

async function status(options: Options, env: NodeJS.ProcessEnv): Promise<SecretsCommandOutput> {
  const target = databaseOf(options, env);
  let source: KeySource | undefined;
  let problem: string | undefined;
  try {
    source = keySourceFor({ env, keyFile: options['secret-key-file'], database: target });
    // Status only reads: the data dir's file is read as it is, never made or swapped.
    if (source.kind === 'data-dir') source = { kind: 'file', path: source.path };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    problem = error.message;
  }
  const database = openDatabase(target);
  try {
    const report = await secretsStatus(database.db, source, problem);
    return { exitCode: report.ok ? 0 : 1, stdout: options.json ? JSON.stringify(report) : describeStatus(report) };
  } finally {
    await database.close();
  }
}

/** The old and new keys of a rotation, and the data-dir file to swap afterwards (SQLite's own key). */
type RotationKeys = {
  next: ServerKey;
  previous: ServerKey | undefined;
  swapFile: string | undefined;
  staleFile?: string;
};

function rotationKeys(options: Options, env: NodeJS.ProcessEnv, target: DatabaseTarget, inUse: Map<string, number>) {
  const dataDirFile = target.kind === 'sqlite' ? dataDirKeyFile(target.file) : undefined;
  const givenNext = Boolean(env[KEY_ENV]) || options['secret-key-file'] !== undefined;
  const previousSource =
    previousKeySourceFor({ env, keyFile: options['previous-key-file'] }) ??
    (dataDirFile && existsSync(dataDirFile) ? ({ kind: 'data-dir', path: dataDirFile } as const) : undefined);
  const previous = previousSource ? keyFromSource(previousSource, inUse, false).key : undefined;
  if (givenNext) {
    const next = keyFromSource(
      keySourceFor({ env, keyFile: options['secret-key-file'], database: target }),
      inUse,
      false,
    ).key;
    const staleFile = previousSource?.kind === 'data-dir' ? previousSource.path : undefined;
    return { next, previous, swapFile: undefined, staleFile } satisfies RotationKeys;
  }
  if (!dataDirFile || previousSource?.kind !== 'data-dir') {
    throw new AppError(
      'SERVER_KEY_MISSING',
      `Give the new key as ${KEY_ENV} (or --secret-key-file) and the key in use as ${PREVIOUS_KEY_ENV} ` +
        '(or --previous-key-file). Make the new one with `npm run server -- secrets generate-key`.',
    );
  }
  return { next: preparePendingKey(dataDirFile), previous, swapFile: dataDirFile } satisfies RotationKeys;
}

function describeRotation(report: RotationReport, keys: RotationKeys, swappedFrom: ServerKey | undefined): string {
  const lines: string[] = [];
  if (report.total === 0) {
    lines.push(`Nothing to re-seal: every value is already sealed with key ${report.toKeyId}.`);
  } else {
    const perColumn = Object.entries(report.resealed)
      .map(([column, count]) => `${column} ${count}`)
      .join(', ');
    lines.push(
      `Re-sealed ${report.total} value${report.total === 1 ? '' : 's'} (${perColumn}) from key ` +
        `${report.fromKeyIds.join(', ')} to key ${report.toKeyId} in one transaction; ` +
        `audit entry #${report.auditSeq} (secrets.rotated).`,
    );
  }
  if (keys.swapFile && swappedFrom) {
    lines.push(
      `${keys.swapFile} now holds key ${report.toKeyId}; the old key ${swappedFrom.id} is kept as ` +
        `${previousKeyFile(keys.swapFile, swappedFrom.id)} for backups made before now (delete it once they are gone).`,
    );
  } else {
    lines.push(
      `Start every server instance with the new key (id ${report.toKeyId}) and stop giving ${PREVIOUS_KEY_ENV}; ` +
        'keep the old key only as long as backups made before now need it.',
    );
    if (keys.staleFile) {
      lines.push(
        `Note: ${keys.staleFile} still holds the old key: keep giving the new one with ${KEY_ENV} or ` +
          '--secret-key-file (either wins over that file), or put the new key in it.',
      );
    }
  }
  return lines.join('\n');
}

async function rotate(options: Options, env: NodeJS.ProcessEnv): Promise<SecretsCommandOutput> {
  const target = databaseOf(options, env);
  const database = openDatabase(target);
  try {
    const inUse = keyIdsInUse(await takeInventory(database.db));
    const keys = rotationKeys(options, env, target, inUse);
    if (keys.next.id === keys.previous?.id) {
      throw new AppError('VALIDATION', `The new key is the key in use (id ${keys.next.id}): make a new one first.`);
    }
    const secrets = new ServerSecrets(keys.next, keys.previous ? [keys.previous] : []);
    const unknown = [...inUse.keys()].filter((keyId) => !secrets.knows(keyId));
    if (unknown.length > 0) {
      throw new AppError(
        'SERVER_KEY_MISMATCH',
        `Values are sealed with key ${unknown.join(', ')}, which is neither the new key (${keys.next.id}) nor the ` +
          `previous one (${keys.previous?.id ?? 'none given'}). Give it as ${PREVIOUS_KEY_ENV} or --previous-key-file. Nothing was changed.`,
      );
    }
    const report = await rotateSecrets(database.db, secrets, Date.now());
    // Only after the commit: until then the file must keep opening what the database holds.
    const swappedFrom = keys.swapFile ? swapInPendingKey(keys.swapFile) : undefined;
    return {
      exitCode: 0,
      stdout: options.json
        ? JSON.stringify({ ...report, keyFile: keys.swapFile ?? null })
        : describeRotation(report, keys, swappedFrom),
    };
  } finally {
    await database.close();
  }
}

function generateKey(): SecretsCommandOutput {
  const text = newServerKeyText();
  const key = parseServerKey(text, 'the new key');
  return {
    exitCode: 0,
    stdout: text,
    stderr: `Key id ${key.id}. Keep the key secret, and back it up apart from the database.`,
  };
}

/** `secrets <subcommand>`. Returns what to print and the exit code; main.ts does the I/O. */
export async function runSecretsCommand(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<SecretsCommandOutput> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      'secret-key-file': { type: 'string' },
      'previous-key-file': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.length === 1 ? positionals[0] : undefined;
  if (values.help) return { exitCode: 0, stdout: SECRETS_USAGE };
  if (command === 'status') return status(values, env);
  if (command === 'rotate') return rotate(values, env);
  if (command === 'generate-key') return generateKey();
  return { exitCode: 1, stdout: SECRETS_USAGE };
}
