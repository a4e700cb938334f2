import { AppError } from '../../../common/errors.js';

/**
 * Maps @napi-rs/keyring failures to shared codes. The texts were observed against
 * gnome-keyring (see shared/NOTES.md and test/integration/keychain.test.ts):
 * - no session bus: "Platform failure: DBus error: Failed to connect to socket ..." / "autolaunch"
 * - bus up, no unlocked default collection: "Secret Service: no result found"
 * - collection locked: "Secret Service: unlock prompt was dismissed"
 */
export function mapKeychainError(error: unknown): AppError {
  const message = error instanceof Error ? error.message : String(error);
  if (/prompt was dismissed|is locked|no result found|not unlocked/i.test(message)) {
    return new AppError(
      'KEYCHAIN_LOCKED',
      'The system keychain is locked. Unlock your login keyring (or create one), then try again.',
      { details: message, cause: error },
    );
  }
  return new AppError(
    'KEYCHAIN_UNAVAILABLE',
    'The system keychain cannot be reached. Clientele keeps its encryption key only there: start your desktop keyring service (Secret Service, e.g. gnome-keyring or KWallet), then try again.',
    { details: message, cause: error },
  );
}
