import { z } from 'zod';
import { OfflineGraceHours } from '../rbac/policy.js';
import { GrantMinutes } from './server-grants.js';

/**
 * Two-factor sign-in and the workspace security settings of the team server, shared with the
 * desktop and any admin UI. TOTP is RFC 6238 with the authenticator-app defaults (SHA-1, 6 digits, 30 s).
 */

/** A 6-digit TOTP code; spaces an app shows in the middle are dropped. */
export const TotpCode = z
  .string()
  .transform((value) => value.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app.'));

/** A recovery code as shown (groups of letters and digits); case, spaces and dashes don't matter. */
export const RecoveryCode = z.string().trim().min(1).max(64);

/** Either a TOTP code or a recovery code, exactly one. */
const CodeOrRecoveryCode = z.union([
  z.object({ code: TotpCode, recoveryCode: z.undefined().optional() }),
  z.object({ recoveryCode: RecoveryCode, code: z.undefined().optional() }),
]);

export const SecondFactorInput = z.intersection(
  z.object({ challenge: z.string().min(1).max(200) }),
  CodeOrRecoveryCode,
);
export type SecondFactorInput = z.infer<typeof SecondFactorInput>;

export const TotpConfirmInput = z.object({ code: TotpCode });
export const TotpDisableInput = CodeOrRecoveryCode;
export type TotpDisableInput = z.infer<typeof TotpDisableInput>;

/**
 * What POST /api/auth/login answers when the password was right and the account has 2FA: no session
 * yet, a short-lived challenge to redeem at POST /api/auth/second-factor.
 */
export const SecondFactorChallengeOutput = z.object({
  secondFactor: z.literal('required'),
  challenge: z.string(),
  expiresAt: z.string(),
});
export type SecondFactorChallengeOutput = z.infer<typeof SecondFactorChallengeOutput>;

export const TotpSetupOutput = z.object({ otpauthUri: z.string(), secret: z.string() });
export type TotpSetupOutput = z.infer<typeof TotpSetupOutput>;

/** Shown once: the server keeps only their hashes. */
export const TotpConfirmOutput = z.object({ recoveryCodes: z.array(z.string()) });
export type TotpConfirmOutput = z.infer<typeof TotpConfirmOutput>;

/** An IPv4 or IPv6 network in CIDR notation ("10.0.0.0/8", "2001:db8::/32"); a bare address is not one. */
export const Cidr = z.union([z.cidrv4(), z.cidrv6()], { error: 'Enter a network in CIDR form, e.g. 10.0.0.0/8.' });

export const IP_ALLOWLIST_MAX = 200;

export const WorkspaceSecuritySettings = z.object({
  require2fa: z.boolean(),
  ipAllowlist: z.array(Cidr).max(IP_ALLOWLIST_MAX),
  /** The longest a just-in-time grant may last, in minutes (default 8 h, at most 7 days). */
  grantMaxMinutes: GrantMinutes,
  /**
   * How long past its policy's expiry a desktop that cannot reach the server keeps working (default
   * 72 h); after that it locks read-only. Part of every signed policy: a change re-issues them all.
   */
  offlineGraceHours: OfflineGraceHours,
});
export type WorkspaceSecuritySettings = z.infer<typeof WorkspaceSecuritySettings>;

/** PUT /api/admin/settings: any of the settings. */
export const WorkspaceSettingsInput = WorkspaceSecuritySettings.partial().refine(
  (value) => Object.values(value).some((setting) => setting !== undefined),
  { message: 'Send require2fa, ipAllowlist, grantMaxMinutes, offlineGraceHours or several of them.' },
);
export type WorkspaceSettingsInput = z.infer<typeof WorkspaceSettingsInput>;
