import type { Kysely } from 'kysely';
import { isAppError } from '../../common/errors.js';
import { columnName, keyIdsInUse, takeInventory } from './inventory.js';
import { describeKeySource, type KeySource } from './key-source.js';
import { keyFromSource } from './load-secrets.js';
import { placeOf } from './sealed-columns.js';
import { ServerSecrets } from './server-secrets.js';

export type SecretsStatus = {
  /** The id of the key given to the command, or null (none given, or it could not be read). */
  keyId: string | null;
  keySource: string | null;
  /** Why there is no key to check with. */
  keyProblem: string | null;
  /** False until the sealing migration ran (the server's next start does it). */
  upgraded: boolean;
  /** The keys the database's values are sealed with, and how many each. */
  databaseKeyIds: Record<string, number>;
  columns: { column: string; sealed: number; unsealed: number }[];
  sealed: number;
  /** Values in a sealed column that are not sealed (plaintext): always a problem. */
  unsealed: number;
  /** With a key: how many values open with it, and how many do not. */
  opened: number | null;
  failed: number | null;
  /** The key given opens every sealed value and nothing is left in clear. */
  ok: boolean;
};

/** What `secrets status` reports: the database's side needs no key; opening the values needs one. */
export async function secretsStatus<DB>(
  db: Kysely<DB>,
  source: KeySource | undefined,
  sourceProblem?: string,
): Promise<SecretsStatus> {
  const inventory = await takeInventory(db);
  const inUse = keyIdsInUse(inventory);
  let secrets: ServerSecrets | undefined;
  let keyProblem = sourceProblem ?? null;
  if (source) {
    try {
      secrets = new ServerSecrets(keyFromSource(source, inUse, false).key);
    } catch (error) {
      if (!isAppError(error)) throw error;
      keyProblem = error.message;
    }
  }
  let opened: number | null = null;
  let failed: number | null = null;
  if (secrets) {
    opened = 0;
    failed = 0;
    for (const { column, values } of inventory.columns) {
      for (const stored of values) {
        if (secrets.open(stored.value, placeOf(column, stored.rowId)).ok) opened += 1;
        else failed += 1;
      }
    }
  }
  const columns = inventory.columns.map((entry) => ({
    column: columnName(entry.column),
    sealed: entry.values.length - entry.unsealed,
    unsealed: entry.unsealed,
  }));
  const unsealed = columns.reduce((sum, entry) => sum + entry.unsealed, 0);
  return {
    keyId: secrets?.keyId ?? null,
    keySource: source && secrets ? describeKeySource(source) : null,
    keyProblem: secrets ? null : (keyProblem ?? 'No server key given.'),
    upgraded: inventory.sealing,
    databaseKeyIds: Object.fromEntries(inUse),
    columns,
    sealed: columns.reduce((sum, entry) => sum + entry.sealed, 0),
    unsealed,
    opened,
    failed,
    ok: inventory.sealing && secrets !== undefined && failed === 0 && unsealed === 0,
  };
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

export function describeStatus(status: SecretsStatus): string {
  const lines: string[] = [];
  const keyIds = Object.entries(status.databaseKeyIds);
  if (!status.upgraded) {
    lines.push(
      'Database: not upgraded yet. The workspace signing key and the 2FA secrets are in clear until the ' +
        "server's next start, which seals them with its key.",
    );
  } else if (keyIds.length === 0) {
    lines.push('Database: nothing sealed yet.');
  } else {
    const perColumn = status.columns.map((entry) => `${entry.column} ${entry.sealed}`).join(', ');
    const keys =
      keyIds.length === 1
        ? `key ${keyIds[0]![0]}`
        : `keys ${keyIds.map(([keyId, count]) => `${keyId} (${count})`).join(', ')} (an unfinished rotation)`;
    lines.push(`Database: ${plural(status.sealed, 'value')} sealed with ${keys}: ${perColumn}.`);
  }
  if (status.unsealed > 0) {
    lines.push(
      `In clear: ${plural(status.unsealed, 'value')} in sealed columns ${status.unsealed === 1 ? 'is' : 'are'} not sealed.`,
    );
  }
  if (status.keyId === null) {
    lines.push(`Key given: none. ${status.keyProblem ?? ''}`.trim());
  } else {
    const total = (status.opened ?? 0) + (status.failed ?? 0);
    const foreign = keyIds.length > 0 && !keyIds.some(([keyId]) => keyId === status.keyId);
    lines.push(
      `Key given: ${status.keyId} (${status.keySource}): it opens ${status.opened} of ${plural(total, 'value')}.` +
        (foreign ? ' It is not the key the database uses.' : ''),
    );
  }
  lines.push(status.ok ? 'Status: OK' : 'Status: PROBLEM');
  return lines.join('\n');
}
