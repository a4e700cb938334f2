export type DesktopPlatform = 'mac' | 'windows' | 'linux';

/** Only used to name the right keychain in help text; never for behaviour. */
export function desktopPlatform(): DesktopPlatform {
  const agent = navigator.userAgent;
  if (/Mac OS X|Macintosh/i.test(agent)) return 'mac';
  if (/Windows/i.test(agent)) return 'windows';
  return 'linux';
}

export function keychainName(platform: DesktopPlatform = desktopPlatform()): string {
  switch (platform) {
    case 'mac':
      return 'macOS Keychain';
    case 'windows':
      return 'Windows Credential Manager';
    case 'linux':
      return 'system keyring (GNOME Keyring or KWallet)';
  }
}
