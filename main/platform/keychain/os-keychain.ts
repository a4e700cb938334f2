import { AsyncEntry } from '@napi-rs/keyring';
import { KEYCHAIN_SERVICE, type Keychain } from './keychain.js';
import { mapKeychainError } from './keychain-errors.js';

const PROBE_ACCOUNT = '__clientele_probe__';

/**
 * Keychain, Credential Manager or Secret Service through @napi-rs/keyring.
 * On Linux the entry is pinned to Secret Service: by default the library would fall back to
 * the kernel keyring, which forgets everything at logout, so a missing service must be an error.
 */
export class OsKeychain implements Keychain {
  constructor(private readonly service: string = KEYCHAIN_SERVICE) {}

  private entry(account: string): AsyncEntry {
    try {
      return new AsyncEntry(this.service, account, { linux: { store: 'secret-service' } });
    } catch (error) {
      throw mapKeychainError(error);
    }
  }

  async get(account: string): Promise<Buffer | null> {
    try {
      const secret = await this.entry(account).getSecret();
      return secret === null ? null : Buffer.from(secret);
    } catch (error) {
      throw mapKeychainError(error);
    }
  }

  async set(account: string, secret: Buffer): Promise<void> {
    try {
      await this.entry(account).setSecret(new Uint8Array(secret));
    } catch (error) {
      throw mapKeychainError(error);
    }
  }

  async delete(account: string): Promise<boolean> {
    try {
      return await this.entry(account).deleteCredential();
    } catch (error) {
      throw mapKeychainError(error);
    }
  }

  async assertWritable(): Promise<void> {
    await this.set(PROBE_ACCOUNT, Buffer.from('probe'));
    await this.delete(PROBE_ACCOUNT);
  }
}
