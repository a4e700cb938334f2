/**
 * The password hash of an account that has no password (made by single sign-on). users.password_hash
 * is NOT NULL since migration 0001; this value is no PHC string, so no password can ever verify
 * against it, and login checks the dummy hash instead so such an account answers as slowly as others.
 */
export const NO_PASSWORD = '!no-password';

export function hasPassword(passwordHash: string): boolean {
  return passwordHash !== NO_PASSWORD;
}
