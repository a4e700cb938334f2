import type { ErrorCode } from '../../../common/errors.js';
import { keychainName } from '../lib/platform.js';

export type LockCopy = {
  title: string;
  explanation: string;
  steps: string[];
  /** Known codes have their own wording; for the rest the core's message is the best we have. */
  known: boolean;
};

/** Plain-language help for each reason the profile can stay locked. */
export function lockCopy(code: ErrorCode, canRecover: boolean): LockCopy {
  const keychain = keychainName();
  // With canRecover the lock screen shows the recovery form instead of these steps.
  const recoverSteps = canRecover
    ? ['Enter your recovery key below and choose Restore. Clientele puts the key back into the keychain.']
    : [
        "This profile's folder has no recovery file, so a recovery key cannot restore access from here.",
        'If you restored this profile or your keychain from a backup, restore both from the same backup, then choose Try again.',
      ];
  switch (code) {
    case 'KEYCHAIN_UNAVAILABLE':
      return {
        title: "Clientele can't reach your keychain",
        explanation: `Your data is encrypted, and the key that opens it is kept in your ${keychain}. Clientele cannot connect to it right now, so your data stays locked. Nothing has been changed or lost.`,
        steps: [
          'Make sure you are signed in to your desktop session and your keychain service is running.',
          'On Linux, start GNOME Keyring or KWallet (or sign out and back in), then come back here.',
          'Choose Try again.',
        ],
        known: true,
      };
    case 'KEYCHAIN_LOCKED':
      return {
        title: 'Your keychain is locked',
        explanation: `The key that opens your data is in your ${keychain}, which is locked at the moment. Nothing has been changed or lost.`,
        steps: [
          'Unlock your keychain. Your system may show a prompt asking for your computer password.',
          'Choose Try again.',
        ],
        known: true,
      };
    case 'STORE_KEY_MISSING':
      return {
        title: 'The key to your data is missing',
        explanation: `Your ${keychain} no longer holds the key that opens this profile. This happens when the keychain was reset, or when the profile was copied from another computer. Your data is still there, encrypted.`,
        steps: recoverSteps,
        known: true,
      };
    case 'STORE_KEY_MISMATCH':
      return {
        title: "The keychain's key doesn't fit this profile",
        explanation: `Your ${keychain} holds a key for this profile, but it does not open its data. This can happen after restoring the profile or the keychain from different backups. Your data is still there, encrypted.`,
        steps: recoverSteps,
        known: true,
      };
    case 'PROFILE_LOCKED':
      return {
        title: 'Clientele is already open',
        explanation:
          'Another Clientele window or process is using this profile. Only one can open it at a time, so your data is never written twice.',
        steps: ['Close the other Clientele window (or stop the other process).', 'Choose Try again.'],
        known: true,
      };
    default:
      return {
        title: "Clientele couldn't open your data",
        explanation: 'Something stopped Clientele from opening your profile. Your data has not been changed.',
        steps: [
          'Choose Try again.',
          'If it keeps failing, quit Clientele completely and open it again. The details below help support find the cause.',
        ],
        known: false,
      };
  }
}
