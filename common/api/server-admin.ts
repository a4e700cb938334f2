import { z } from 'zod';
import { EmailVisibility, FieldRules, PermissionTable } from '../rbac/permissions.js';
import { Email, NewPassword } from './server-auth.js';

/**
 * The team server's workspace and admin API (issue 7), shared with the desktop (enrollment reads
 * WorkspaceInfo) and with the admin pages. Roles carry the shapes of common/rbac, so what an admin
 * saves is exactly what the policy compiler combines.
 */

/** `GET /api/workspace` (public): what a desktop pins at enrollment. */
export const WorkspaceInfo = z.object({
  workspaceId: z.string().min(1).max(200),
  /** The workspace's Ed25519 public key as a JWK (kty OKP, crv Ed25519). */
  publicKeyJwk: z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().min(1) }),
  /** The key's RFC 7638 JWK thumbprint (SHA-256, base64url): what a person compares out of band. */
  fingerprint: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});
export type WorkspaceInfo = z.infer<typeof WorkspaceInfo>;

export const RoleName = z.string().trim().min(1).max(100);

export const RoleInput = z
  .object({
    name: RoleName,
    permissions: PermissionTable,
    fieldRules: FieldRules.default({}),
    emailVisibility: EmailVisibility.default('metadata'),
  })
  .strict();
export type RoleInput = z.infer<typeof RoleInput>;

/** A role update replaces the parts it names. */
export const RoleUpdate = z
  .object({
    name: RoleName.optional(),
    permissions: PermissionTable.optional(),
    fieldRules: FieldRules.optional(),
    emailVisibility: EmailVisibility.optional(),
  })
  .strict();
export type RoleUpdate = z.infer<typeof RoleUpdate>;

export const RoleView = z.object({
  id: z.string(),
  name: z.string(),
  permissions: PermissionTable,
  fieldRules: FieldRules,
  emailVisibility: EmailVisibility,
});
export type RoleView = z.infer<typeof RoleView>;

/**
 * A new account; its rights come from the roles it is given afterwards. `temporaryPassword`: the first
 * password is one the admin hands over, and the first sign-in must choose another (as after a reset;
 * the admin pages ask for it by default, the API does not, so scripts that make accounts keep working).
 */
export const NewUserInput = z
  .object({ email: Email, password: NewPassword, temporaryPassword: z.boolean().default(false) })
  .strict();
export type NewUserInput = z.input<typeof NewUserInput>;

export const UserView = z.object({
  id: z.string(),
  email: z.string(),
  /** The account made by the one-time setup link. It grants nothing by itself: rights come from roles. */
  isAdmin: z.boolean(),
  disabled: z.boolean(),
  /** Two-factor sign-in is on (what "require 2FA" waits for). */
  twoFactorEnabled: z.boolean(),
  /** The password is a temporary one an administrator set: its next sign-in must choose another. */
  passwordChangeRequired: z.boolean(),
  roleIds: z.array(z.string()),
});
export type UserView = z.infer<typeof UserView>;

export const TeamInput = z
  .object({ name: z.string().trim().min(1).max(100), parentId: z.string().uuid().nullable().default(null) })
  .strict();
export type TeamInput = z.infer<typeof TeamInput>;

/** A rename, a move under another parent (null: top level), or both. */
export const TeamUpdate = z
  .object({ name: TeamInput.shape.name.optional(), parentId: z.string().uuid().nullable().optional() })
  .strict()
  .refine((input) => input.name !== undefined || input.parentId !== undefined, 'Give a name, a parentId or both.');
export type TeamUpdate = z.infer<typeof TeamUpdate>;

export const TeamMemberInput = z.object({ manager: z.boolean().default(false) }).strict();

export const TeamView = z.object({
  id: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  members: z.array(z.object({ userId: z.string(), manager: z.boolean() })),
});
export type TeamView = z.infer<typeof TeamView>;
