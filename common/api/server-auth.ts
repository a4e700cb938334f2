import { z } from 'zod';

/**
 * The team server's identity API, shared with the desktop (enrollment reuses these shapes).
 * Password rules beyond the length bounds (common-password list, equal to the email) are checked
 * on the server, which owns the list; the bounds live here so a client can say "too short" early.
 */

/** ASVS 5 (V6.2): at least 8 characters (15+ recommended), at least 128 allowed; counted in code points. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_RECOMMENDED_LENGTH = 15;
export const PASSWORD_MAX_LENGTH = 256;

export function passwordLength(password: string): number {
  return [...password.normalize('NFC')].length;
}

export const Email = z.string().trim().max(254).pipe(z.email('Enter an email address'));

/** No composition rules and any Unicode: only the length is checked here. */
export const NewPassword = z
  .string()
  .refine((value) => passwordLength(value) >= PASSWORD_MIN_LENGTH, {
    message: `Use at least ${PASSWORD_MIN_LENGTH} characters (${PASSWORD_RECOMMENDED_LENGTH} or more is better).`,
  })
  .refine((value) => passwordLength(value) <= PASSWORD_MAX_LENGTH, {
    message: `Use at most ${PASSWORD_MAX_LENGTH} characters.`,
  });

export const BootstrapInput = z.object({
  token: z.string().min(1).max(200),
  email: Email,
  password: NewPassword,
});
export type BootstrapInput = z.infer<typeof BootstrapInput>;

/** A login never tells a wrong password from a weak one: only an upper bound, to cap hashing work. */
export const LoginInput = z.object({
  email: z.string().trim().min(1).max(254),
  password: z
    .string()
    .min(1)
    .max(PASSWORD_MAX_LENGTH * 4),
});
export type LoginInput = z.infer<typeof LoginInput>;

export const SessionUser = z.object({
  id: z.string(),
  email: z.string(),
  /** The account made by the one-time setup link. It grants nothing by itself: rights come from roles. */
  isAdmin: z.boolean(),
});
export type SessionUser = z.infer<typeof SessionUser>;

export const SessionView = z.object({
  user: SessionUser,
  session: z.object({
    id: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
  }),
});
export type SessionView = z.infer<typeof SessionView>;

/** What login and bootstrap return: the desktop keeps `token` and sends it as a Bearer token. */
export const LoginOutput = SessionView.extend({ token: z.string() });
export type LoginOutput = z.infer<typeof LoginOutput>;

/**
 * `POST /api/auth/logout`: whether a live session ended; for a session opened by single sign-on, the
 * identity provider's sign-out page to send the browser to (OpenID Connect RP-Initiated Logout), so
 * that "Sign in with SSO" asks for the person again; null when there is none to visit.
 */
export const LogoutOutput = z.object({ revoked: z.boolean(), endSessionUrl: z.string().nullable() });
export type LogoutOutput = z.infer<typeof LogoutOutput>;

export const HealthOutput = z.object({
  status: z.literal('ok'),
  database: z.enum(['sqlite', 'postgres']),
});
export type HealthOutput = z.infer<typeof HealthOutput>;
