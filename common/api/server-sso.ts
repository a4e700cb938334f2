import { z } from 'zod';

/**
 * OIDC single sign-on on the team server (issue 7): the admin's configuration, the public status the
 * sign-in pages and the desktop read, and the desktop's code exchange. Shared with the desktop and
 * the admin pages.
 */

// Plain http only to this machine (an IdP under test, or behind a local TLS proxy), as for team servers.
const LOOPBACK_HTTP = /^http:\/\/(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?(\/|$)/i;

/** The IdP's issuer identifier: discovery reads `<issuer>/.well-known/openid-configuration`. */
export const SsoIssuer = z
  .url({ protocol: /^https?$/, message: 'Enter the identity provider’s issuer URL, e.g. https://idp.example.com' })
  .max(500)
  .refine((value) => !/[?#]/.test(value), { message: 'An issuer URL has no query or fragment.' })
  .refine((value) => value.toLowerCase().startsWith('https://') || LOOPBACK_HTTP.test(value), {
    message: 'Use https:// (plain http:// is allowed only to this computer: localhost or 127.0.0.1).',
  });

/** A mail domain, lower-cased; subdomains are separate entries (sales.example.com is not example.com). */
export const EmailDomain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/, {
    message: 'Enter a mail domain such as example.com (no @, no scheme).',
  });

/**
 * `PUT /api/admin/sso`: the parts it names replace the stored ones. `clientSecret` is write-only:
 * omitted keeps the stored secret, and no answer ever contains it.
 */
export const SsoConfigInput = z
  .object({
    enabled: z.boolean().optional(),
    issuer: SsoIssuer.optional(),
    clientId: z.string().trim().min(1).max(500).optional(),
    clientSecret: z.string().min(1).max(1000).optional(),
    allowedEmailDomains: z.array(EmailDomain).max(100).optional(),
    autoProvision: z.boolean().optional(),
    /** The role a provisioned user receives; null for none. */
    defaultRoleId: z.uuid().nullable().optional(),
  })
  .strict();
export type SsoConfigInput = z.infer<typeof SsoConfigInput>;

/** `GET /api/admin/sso` (and the PUT's answer): the secret only as "set or not". */
export const SsoConfigView = z.object({
  enabled: z.boolean(),
  issuer: z.string().nullable(),
  clientId: z.string().nullable(),
  clientSecretSet: z.boolean(),
  allowedEmailDomains: z.array(z.string()),
  autoProvision: z.boolean(),
  defaultRoleId: z.string().nullable(),
  /** What to register at the IdP as the redirect URI, as this request reached the server. */
  redirectUri: z.string(),
  /** Where the IdP sends the browser back after a sign-out (its post-logout redirect URI), likewise. */
  postLogoutRedirectUri: z.string(),
  /** Where the IdP posts its logout tokens (back-channel logout URI), likewise. */
  backchannelLogoutUri: z.string(),
});
export type SsoConfigView = z.infer<typeof SsoConfigView>;

/** `GET /api/auth/sso/status` (public): whether to offer "Sign in with SSO". */
export const SsoStatus = z.object({ enabled: z.boolean() });
export type SsoStatus = z.infer<typeof SsoStatus>;

/** RFC 7636 code verifier: 43 to 128 unreserved characters. */
export const PkceVerifier = z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, { message: 'Not a PKCE code verifier.' });
/** An S256 code challenge: base64url of a SHA-256, 43 characters. */
export const PkceChallenge = z.string().regex(/^[A-Za-z0-9_-]{43}$/, { message: 'Not an S256 code challenge.' });

/**
 * A desktop's loopback redirect (RFC 8252 7.3): http on 127.0.0.1 or [::1] with a port, a path, no
 * query or fragment. `localhost` is refused (RFC 8252 8.3: it may resolve elsewhere).
 */
export const LoopbackRedirectUri = z
  .string()
  .max(200)
  .regex(/^http:\/\/(127\.0\.0\.1|\[::1\]):\d{1,5}\/[A-Za-z0-9/_-]*$/, {
    message: 'The redirect must be http://127.0.0.1:<port>/<path> (a loopback address of this computer).',
  });

/** The query of `GET /api/auth/sso/start` when a desktop starts it; a browser sign-in sends none. */
export const SsoDesktopStart = z
  .object({
    redirect_uri: LoopbackRedirectUri,
    code_challenge: PkceChallenge,
    code_challenge_method: z.literal('S256'),
    state: z.string().regex(/^[A-Za-z0-9._~-]{16,200}$/, { message: 'state must be 16 to 200 URL-safe characters.' }),
  })
  .strict();
export type SsoDesktopStart = z.infer<typeof SsoDesktopStart>;

/** `POST /api/auth/sso/exchange`: the one-time code from the loopback redirect, with the desktop's verifier. */
export const SsoExchangeInput = z
  .object({
    code: z.string().min(1).max(200),
    codeVerifier: PkceVerifier,
    redirectUri: LoopbackRedirectUri,
  })
  .strict();
export type SsoExchangeInput = z.infer<typeof SsoExchangeInput>;
