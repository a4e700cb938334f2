import { z } from 'zod';

/**
 * The desktop's link to a team server (issue 7): enrollment and its status. No Node, no DOM: the
 * settings page checks the URL with the same schema the core applies.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for hosts that never leave the machine: plain http is allowed only to them. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

// common/ has neither DOM nor Node, so no URL class: the accepted form is narrow enough for a pattern.
const SERVER_URL = /^(https?):\/\/(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)(?::(\d{1,5}))?\/?$/i;

/**
 * A team server's base URL: https, or http only to this machine (a server under test, or one
 * behind a local TLS proxy). No credentials, path, query or fragment; the origin is what is kept.
 */
export const TeamServerUrl = z
  .string()
  .trim()
  .max(300)
  .transform((value, ctx) => {
    const match = SERVER_URL.exec(value);
    const port = match?.[3] === undefined ? undefined : Number(match[3]);
    if (!match || (port !== undefined && (port < 1 || port > 65_535))) {
      ctx.addIssue({
        code: 'custom',
        message: 'Enter only the team server address, e.g. https://team.example.com (no path, query or credentials).',
      });
      return z.NEVER;
    }
    const scheme = match[1]!.toLowerCase();
    const host = match[2]!.toLowerCase();
    if (scheme === 'http' && !isLoopbackHost(host)) {
      ctx.addIssue({
        code: 'custom',
        message: 'Use https:// (plain http:// is allowed only to this computer: localhost or 127.0.0.1).',
      });
      return z.NEVER;
    }
    return `${scheme}://${host}${port === undefined ? '' : `:${port}`}`;
  });

/** The workspace key's fingerprint as the admin published it: when given, any other key is refused. */
const ExpectedFingerprint = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{43}$/);

export const TeamEnrollInput = z
  .object({
    serverUrl: TeamServerUrl,
    email: z.string().trim().min(1).max(254),
    password: z.string().min(1).max(1024),
    expectedFingerprint: ExpectedFingerprint.optional(),
    /**
     * For an account with two-factor sign-in: the 6-digit code from the authenticator app, or one of
     * the recovery codes. A first try without it answers SECOND_FACTOR_REQUIRED.
     */
    secondFactorCode: z.string().trim().min(1).max(64).optional(),
  })
  .strict();
export type TeamEnrollInput = z.infer<typeof TeamEnrollInput>;

/** Enrollment through the team server's single sign-on: the rest happens in the browser. */
export const TeamSsoInput = z
  .object({ serverUrl: TeamServerUrl, expectedFingerprint: ExpectedFingerprint.optional() })
  .strict();
export type TeamSsoInput = z.infer<typeof TeamSsoInput>;

/** A started SSO enrollment: open `authorizationUrl` (unless the core opened it), then team.completeSso. */
export const TeamSsoStarted = z.object({
  flowId: z.string(),
  authorizationUrl: z.string(),
  /** True when the core handed the URL to the system browser itself. */
  browserOpened: z.boolean(),
  expiresAt: z.string(),
});
export type TeamSsoStarted = z.infer<typeof TeamSsoStarted>;

export const TeamSsoFlowInput = z.object({ flowId: z.string().min(1).max(100) }).strict();

/** Whether a team server offers single sign-on (so the form can show "Sign in with SSO"). */
export const TeamServerSso = z.object({ ssoEnabled: z.boolean() });
export type TeamServerSso = z.infer<typeof TeamServerSso>;

export const TeamStatus = z.object({
  enrolled: z.boolean(),
  serverUrl: z.string().nullable(),
  userId: z.string().nullable(),
  workspaceId: z.string().nullable(),
  /** RFC 7638 thumbprint of the pinned workspace key (base64url). */
  workspaceFingerprint: z.string().nullable(),
  enrolledAt: z.string().nullable(),
  policy: z
    .object({
      version: z.number().int(),
      issuedAt: z.string(),
      expiresAt: z.string(),
      receivedAt: z.string(),
      /** The admin's offline grace, and when it runs out unless a fetch succeeds before (then read-only). */
      offlineGraceHours: z.number().int(),
      worksOfflineUntil: z.string(),
    })
    .nullable(),
});
export type TeamStatus = z.infer<typeof TeamStatus>;

export const PolicyRefreshResult = z.object({
  outcome: z.enum(['updated', 'not-modified', 'rejected', 'failed', 'not-enrolled']),
  version: z.number().int().nullable(),
  message: z.string().nullable(),
});
export type PolicyRefreshResult = z.infer<typeof PolicyRefreshResult>;
