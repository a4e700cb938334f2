import type { Keychain } from './keychain.js';
import { OsKeychain } from './os-keychain.js';

/**
 * The one place that picks the keychain. Every platform goes through @napi-rs/keyring today;
 * a platform needing different glue gets its own class here, behind the same interface.
 */
export function createKeychain(service?: string): Keychain {
  return new OsKeychain(service);
}
