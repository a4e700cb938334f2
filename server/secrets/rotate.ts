import type { Kysely } from 'kysely';
import { AppError } from '../../common/errors.js';
import { recordAudit } from '../audit/audit-log.js';
import type { ServerDatabase } from '../db/schema.js';
import { columnName, takeInventory } from './inventory.js';
import { parseSealed } from './sealed-value.js';
import { placeOf, replaceValue } from './sealed-columns.js';
import type { ServerSecrets } from './server-secrets.js';

export type RotationReport = {
  /** The keys values were sealed with before (more than one only after an unfinished rotation). */
  fromKeyIds: string[];
  toKeyId: string;
  /** Values re-sealed per column ("table.column"); values already under the new key are left. */
  resealed: Record<string, number>;
  total: number;
  /** The audit entry that records it; undefined when there was nothing to re-seal. */
  auditSeq: number | undefined;
};

/**
 * Re-seals every sealed value under `secrets.current`, opening each with the key it names (the
 * previous key is among `secrets`' older keys). One transaction with its audit entry: a failure
 * (a value that does not open, a value another writer changed meanwhile) changes nothing. Values
 * already under the new key are skipped, so an interrupted or partial rotation can simply be rerun.
 */
export async function rotateSecrets(
  db: Kysely<ServerDatabase>,
  secrets: ServerSecrets,
  now: number,
): Promise<RotationReport> {
  return db.transaction().execute(async (trx) => {
    const inventory = await takeInventory<ServerDatabase>(trx);
    if (!inventory.sealing) {
      throw new AppError(
        'CONFLICT',
        'The database has not been upgraded yet: start the server once with its key (it seals the secrets), then rotate.',
      );
    }
    const fromKeyIds = new Set<string>();
    const resealed: Record<string, number> = {};
    for (const { column, values } of inventory.columns) {
      let count = 0;
      for (const stored of values) {
        const parts = parseSealed(stored.value);
        if (parts?.keyId === secrets.keyId) continue;
        const place = placeOf(column, stored.rowId);
        const opened = secrets.open(stored.value, place);
        if (!opened.ok) throw new AppError(opened.error.code, `${opened.error.message} Nothing was changed.`);
        if (!(await replaceValue<ServerDatabase>(trx, column, stored, secrets.seal(opened.value, place)))) {
          throw new AppError(
            'CONFLICT',
            `${columnName(column)} of ${stored.rowId} changed during the rotation; nothing was changed. Stop the servers and run it again.`,
          );
        }
        fromKeyIds.add(parts!.keyId);
        count += 1;
      }
      resealed[columnName(column)] = count;
    }
    const total = Object.values(resealed).reduce((sum, count) => sum + count, 0);
    const from = [...fromKeyIds].sort();
    if (total === 0) return { fromKeyIds: from, toKeyId: secrets.keyId, resealed, total, auditSeq: undefined };
    // Key ids are not secret (derived one-way): the log says which key replaced which.
    const audit = await recordAudit(trx, {
      action: 'secrets.rotated',
      actorUserId: null,
      at: now,
      target: `server-key:${secrets.keyId}`,
      details: { fromKeyIds: from, toKeyId: secrets.keyId, resealed, total },
    });
    return { fromKeyIds: from, toKeyId: secrets.keyId, resealed, total, auditSeq: audit.entry.seq };
  });
}
