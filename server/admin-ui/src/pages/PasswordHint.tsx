import type { ReactElement } from 'react';
import { PASSWORD_MIN_LENGTH, PASSWORD_RECOMMENDED_LENGTH } from '../../../../common/api/server-auth.js';

/** The server's password rules (ASVS 5), said before the admin types: no composition rules to guess. */
export function PasswordHint(): ReactElement {
  return (
    <>
      At least {PASSWORD_MIN_LENGTH} characters, {PASSWORD_RECOMMENDED_LENGTH} or more is better; any characters, spaces
      too. Common passwords and the email itself are refused.
    </>
  );
}
