import { AppError } from '../../common/errors.js';
import type { Migration } from './migrations/migration.js';
import type { Db } from './sqlcipher.js';

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Runs the pending migrations, each in its own transaction together with the bump of
 * user_version, so a failing step leaves schema and data exactly as the previous step left them.
 */
export function migrate(db: Db, migrations: readonly Migration[]): { from: number; to: number } {
  assertOrdered(migrations);
  const from = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) {
    throw new AppError(
      'CONFLICT',
      `This profile was written by a newer version of Clientele (schema ${from}, this version knows ${latest}). Update Clientele to open it.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    const step = db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    });
    try {
      step.immediate();
    } catch (error) {
      throw new AppError(
        'INTERNAL',
        `Upgrading the profile failed at step ${migration.version} (${migration.name}); nothing was changed by that step.`,
        { cause: error, details: (error as Error).message },
      );
    }
  }
  return { from, to: schemaVersion(db) };
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new AppError('INTERNAL', `Migration list is out of order at ${migration.name}.`);
    }
  });
}
