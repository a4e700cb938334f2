import { dictionary } from '@zxcvbn-ts/language-common';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_RECOMMENDED_LENGTH,
  passwordLength,
} from '../../common/api/server-auth.js';
import { AppError } from '../../common/errors.js';
import { normalizeEmail } from './email.js';

let commonPasswords: Set<string> | undefined;

/** The zxcvbn-ts list of ~49,000 common passwords, lower-cased, loaded on first use. */
function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(dictionary['passwords-common'].map((word) => word.toLowerCase()));
  return commonPasswords.has(password.toLowerCase());
}

/**
 * OWASP ASVS 5 (V6.2) rules for a new password: 8 to 256 code points (15+ recommended), any Unicode,
 * no composition rules, never truncated; refused when it is a common password or the email itself.
 * Throws VALIDATION with a message the user can act on.
 */
export function assertAcceptablePassword(password: string, email: string): void {
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_LENGTH) {
    throw new AppError(
      'VALIDATION',
      `Use at least ${PASSWORD_MIN_LENGTH} characters (${PASSWORD_RECOMMENDED_LENGTH} or more is better).`,
      { details: { rule: 'too_short' } },
    );
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw new AppError('VALIDATION', `Use at most ${PASSWORD_MAX_LENGTH} characters.`, {
      details: { rule: 'too_long' },
    });
  }
  if (isCommonPassword(password)) {
    throw new AppError('VALIDATION', 'This password is too common: choose another one.', {
      details: { rule: 'common' },
    });
  }
  if (normalizeEmail(password) === normalizeEmail(email)) {
    throw new AppError('VALIDATION', 'The password may not be your email address.', {
      details: { rule: 'equals_email' },
    });
  }
}
