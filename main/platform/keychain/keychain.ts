/**
 * The OS keychain, as the core sees it: raw secret bytes per account under one service.
 * Implementations map their platform failures to KEYCHAIN_UNAVAILABLE / KEYCHAIN_LOCKED AppErrors
 * and never fall back to a weaker store.
 */
export interface Keychain {
  /** The secret, or null when the keychain works and holds no such entry. */
  get(account: string): Promise<Buffer | null>;
  set(account: string, secret: Buffer): Promise<void>;
  /** True when an entry was removed. */
  delete(account: string): Promise<boolean>;
  /**
   * Proves the keychain can store a secret right now (a probe entry is written and removed).
   * Secret Service answers "no entry" when it has no unlocked default collection, so a null
   * from get() alone cannot tell "missing" from "locked".
   */
  assertWritable(): Promise<void>;
}

export const KEYCHAIN_SERVICE = 'Clientele';
