import type { Migration } from './migrations/migration.js';
import { MIGRATIONS } from './migrations/index.js';
import { migrate } from './migrator.js';
import { SecretsRepository } from './repositories/secrets-repository.js';
import { SettingsRepository } from './repositories/settings-repository.js';
import { FieldSealer } from './sealing.js';
import { openEncryptedDatabase, type Db } from './sqlcipher.js';

export type StoreKeys = { databaseKey: Buffer; fieldKey: Buffer };

/**
 * The profile's encrypted store. It lives only in the core process, which is its single
 * writer; everything else reaches it through typed repository calls.
 */
export class Store {
  readonly settings: SettingsRepository;
  readonly secrets: SecretsRepository;

  private constructor(
    readonly db: Db,
    keys: StoreKeys,
  ) {
    this.settings = new SettingsRepository(db);
    this.secrets = new SecretsRepository(db, new FieldSealer(keys.fieldKey));
  }

  static open(path: string, keys: StoreKeys, options: { create: boolean; migrations?: readonly Migration[] }): Store {
    const db = openEncryptedDatabase(path, keys.databaseKey, { create: options.create });
    try {
      migrate(db, options.migrations ?? MIGRATIONS);
      return new Store(db, keys);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
