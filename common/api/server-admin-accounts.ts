import { z } from 'zod';
import { SessionView } from './server-auth.js';

/**
 * Account state the admin pages need beyond common/api/server-admin.ts: disabling an account, a
 * user's live sessions, and the signed-in user's own two-factor state.
 */

/** `PUT /api/admin/users/:userId/status`: a disabled account can't sign in and its sessions end at once. */
export const UserStatusInput = z.object({ disabled: z.boolean() }).strict();
export type UserStatusInput = z.infer<typeof UserStatusInput>;

/** `GET /api/admin/users/:userId/sessions`: the live ones, newest first. Never a token. */
export const UserSessionView = z.object({
  id: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
});
export type UserSessionView = z.infer<typeof UserSessionView>;

/**
 * `GET /api/auth/session`: who is signed in, and whether their 2FA is on or the workspace still
 * waits for them to set it up (then nothing but the set-up routes answers them).
 */
export const AccountSessionView = SessionView.extend({
  secondFactor: z.object({ enabled: z.boolean(), setupRequired: z.boolean() }),
});
export type AccountSessionView = z.infer<typeof AccountSessionView>;
