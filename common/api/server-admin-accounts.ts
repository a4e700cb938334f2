import { z } from 'zod';
import { Scope } from '../rbac/permissions.js';
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
 * What the admin pages may offer the signed-in user: their scope, from their roles and live grants,
 * for each permission the admin routes are declared with (server/http/route-access.ts). The pages
 * show or hide and enable or disable by it; every call is still judged by the server.
 */
export const AdminAccess = z.object({
  users: z.object({ view: Scope, create: Scope, edit: Scope }),
  settings: z.object({ view: Scope, edit: Scope }),
});
export type AdminAccess = z.infer<typeof AdminAccess>;

/**
 * `GET /api/auth/session`: who is signed in, whether their 2FA is on or the workspace still waits
 * for them to set it up (then nothing but the set-up routes answers them), and what the admin pages
 * may offer them.
 */
export const AccountSessionView = SessionView.extend({
  secondFactor: z.object({ enabled: z.boolean(), setupRequired: z.boolean() }),
  access: AdminAccess,
});
export type AccountSessionView = z.infer<typeof AccountSessionView>;

/**
 * `GET /api/admin/users/:userId/identities`: the identity-provider accounts linked to a user (single
 * sign-on), oldest first. The subject is the IdP's stable id; the email is the one it last gave.
 */
export const UserIdentityView = z.object({
  id: z.string(),
  issuer: z.string(),
  subject: z.string(),
  email: z.string(),
  linkedAt: z.string(),
  lastSignInAt: z.string(),
});
export type UserIdentityView = z.infer<typeof UserIdentityView>;

/** `DELETE /api/admin/users/:userId/identities/:identityId`: the user's single sign-on sessions ended with it. */
export const IdentityUnlinkOutput = z.object({ revokedSessions: z.number().int().nonnegative() });
export type IdentityUnlinkOutput = z.infer<typeof IdentityUnlinkOutput>;
