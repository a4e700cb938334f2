import { z } from 'zod';
import { NewPassword, PASSWORD_MAX_LENGTH } from './server-auth.js';

/**
 * Account recovery on the team server: changing one's own password, and an administrator setting a
 * new password or removing the second factor of someone who lost theirs. The new password's length is
 * checked here (a client can say "too short" early); the common-password list and "not the email" are
 * the server's.
 */

/**
 * `POST /api/auth/password`: the current password (checked under the login throttle: a stolen
 * session is no password oracle) and the new one. Like a login, the current password has only an
 * upper bound, to cap hashing work.
 */
export const PasswordChangeInput = z
  .object({
    currentPassword: z
      .string()
      .min(1, 'Enter your current password.')
      .max(PASSWORD_MAX_LENGTH * 4),
    newPassword: NewPassword,
  })
  .strict();
export type PasswordChangeInput = z.infer<typeof PasswordChangeInput>;

/** The session that asked stays signed in; every other session of the account was ended. */
export const PasswordChangeOutput = z.object({
  changed: z.literal(true),
  revokedSessions: z.number().int().nonnegative(),
});
export type PasswordChangeOutput = z.infer<typeof PasswordChangeOutput>;

/** `PUT /api/admin/users/:userId/password`: the new password an administrator hands over. */
export const PasswordResetInput = z.object({ newPassword: NewPassword }).strict();
export type PasswordResetInput = z.infer<typeof PasswordResetInput>;

/**
 * What a reset by an administrator did: every session of the user ended (`PUT .../password` and
 * `DELETE /api/admin/users/:userId/second-factor`).
 */
export const AccountResetOutput = z.object({
  revokedSessions: z.number().int().nonnegative(),
});
export type AccountResetOutput = z.infer<typeof AccountResetOutput>;

/**
 * What a sign-in answers (POST /api/auth/login, or /api/auth/second-factor after the code) when the
 * password was one an administrator set: no session yet, a short-lived challenge to redeem with the
 * user's own new password at POST /api/auth/new-password (ASVS 5 V6.4: a reset secret must not
 * become the long-term password).
 */
export const PasswordChangeChallengeOutput = z.object({
  passwordChange: z.literal('required'),
  challenge: z.string(),
  expiresAt: z.string(),
  message: z.string(),
});
export type PasswordChangeChallengeOutput = z.infer<typeof PasswordChangeChallengeOutput>;

/** `POST /api/auth/new-password`: the challenge of that sign-in and the password that replaces the temporary one. */
export const RequiredPasswordInput = z
  .object({ challenge: z.string().min(1).max(200), newPassword: NewPassword })
  .strict();
export type RequiredPasswordInput = z.infer<typeof RequiredPasswordInput>;
