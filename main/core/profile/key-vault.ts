import { randomBytes } from 'node:crypto';
import type { Keychain } from '../../platform/keychain/keychain.js';
import { DB_KEY_BYTES } from '../../store/sqlcipher.js';
import type { StoreKeys } from '../../store/store.js';

/** Keychain accounts of one profile: the database key under the profile id, the field key beside it. */
export class KeyVault {
  constructor(private readonly keychain: Keychain) {}

  static generate(): StoreKeys {
    return { databaseKey: randomBytes(DB_KEY_BYTES), fieldKey: randomBytes(32) };
  }

  /** Both keys, or null when either entry is missing (the keychain itself answered). */
  async load(profileId: string): Promise<StoreKeys | null> {
    const databaseKey = await this.keychain.get(profileId);
    const fieldKey = await this.keychain.get(fieldAccount(profileId));
    if (!databaseKey || !fieldKey) {
      // Secret Service answers "nothing" when it has no unlocked collection: prove it is
      // writable so a locked keyring is reported as locked, not as a lost key.
      await this.keychain.assertWritable();
      return null;
    }
    return { databaseKey, fieldKey };
  }

  async save(profileId: string, keys: StoreKeys): Promise<void> {
    await this.keychain.set(profileId, keys.databaseKey);
    await this.keychain.set(fieldAccount(profileId), keys.fieldKey);
  }

  async remove(profileId: string): Promise<void> {
    await this.keychain.delete(profileId);
    await this.keychain.delete(fieldAccount(profileId));
  }
}

function fieldAccount(profileId: string): string {
  return `${profileId}:fields`;
}
