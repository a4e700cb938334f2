import { z } from 'zod';
import { ErrorCode } from '../errors.js';

export const AccountKind = z.enum(['imap', 'gmail', 'graph']);
export type AccountKind = z.infer<typeof AccountKind>;

/** The providers connected with OAuth (system browser, loopback redirect, PKCE) rather than a password. */
export const OAuthProvider = z.enum(['gmail', 'graph']);
export type OAuthProvider = z.infer<typeof OAuthProvider>;

/** A started OAuth connection: the page to open in the browser, and the id to wait on. */
export const OAuthFlowStarted = z.object({
  flowId: z.string(),
  provider: OAuthProvider,
  /** The provider's sign-in page (no secret in it: PKCE keeps the verifier in the core). */
  authorizationUrl: z.string(),
  /** The core opened the system browser itself (CLI, desktop app); otherwise the caller opens the URL. */
  browserOpened: z.boolean(),
  /** When the flow gives up waiting for the browser. */
  expiresAt: z.string(),
});
export type OAuthFlowStarted = z.infer<typeof OAuthFlowStarted>;

export const ImapSecurity = z.enum(['tls', 'starttls']);
export type ImapSecurity = z.infer<typeof ImapSecurity>;

/** What the user enters to add an IMAP account. The password travels once and is sealed. */
export const AddImapAccountInput = z
  .object({
    email: z.email('Enter the email address of the mailbox'),
    displayName: z.string().trim().max(100).optional(),
    host: z
      .string()
      .trim()
      .min(1, 'Enter the IMAP server name')
      .max(253)
      .regex(/^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:]+\]$/, 'Enter a host name such as imap.example.com'),
    port: z.number().int().min(1).max(65535),
    security: ImapSecurity,
    user: z.string().min(1, 'Enter the user name').max(320),
    password: z.string().min(1, 'Enter the password').max(4096),
    /** A private CA or self-signed certificate to trust for this server only (PEM). */
    caCertPem: z.string().max(20_000).optional(),
  })
  .strict();
export type AddImapAccountInput = z.infer<typeof AddImapAccountInput>;

/** Changes to an IMAP account, e.g. a new password after an AUTH error. Checked before saved. */
export const UpdateImapAccountInput = AddImapAccountInput.pick({
  displayName: true,
  host: true,
  port: true,
  security: true,
  user: true,
  password: true,
})
  .partial()
  .extend({
    id: z.string().min(1),
    /** A PEM to trust, or null to go back to the system's trusted certificates. */
    caCertPem: z.string().max(20_000).nullable().optional(),
  })
  .strict();
export type UpdateImapAccountInput = z.infer<typeof UpdateImapAccountInput>;

export const AccountSummary = z.object({
  id: z.string(),
  kind: AccountKind,
  email: z.string(),
  displayName: z.string(),
  /** IMAP connection settings (null for providers that have none); never the password. */
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  security: ImapSecurity.nullable(),
  user: z.string().nullable(),
  hasCustomCertificate: z.boolean(),
  createdAt: z.string(),
});
export type AccountSummary = z.infer<typeof AccountSummary>;

export const SyncState = z.enum(['idle', 'syncing', 'watching', 'throttled', 'offline', 'error']);
export type SyncState = z.infer<typeof SyncState>;

export const FolderProgress = z.object({
  path: z.string(),
  role: z.string(),
  syncEnabled: z.boolean(),
  /** Messages stored for this folder / messages on the server within the sync window. */
  done: z.number().int(),
  total: z.number().int(),
  backfillComplete: z.boolean(),
  lastSyncedAt: z.string().nullable(),
});
export type FolderProgress = z.infer<typeof FolderProgress>;

/**
 * Turns the sync of one folder on or off. Off keeps what was already copied (and the folder's
 * checkpoint, so turning it on again resumes); on syncs it from the next pass.
 */
export const SetFolderEnabledInput = z
  .object({
    accountId: z.string().min(1),
    /** The folder's path as the server names it (see FolderProgress.path). */
    folderPath: z.string().min(1).max(1000),
    enabled: z.boolean(),
  })
  .strict();
export type SetFolderEnabledInput = z.infer<typeof SetFolderEnabledInput>;

export const AccountSyncStatus = z.object({
  accountId: z.string(),
  /** IMAP, or an API provider: an AUTH error is then fixed by reconnecting, not by a password. */
  kind: AccountKind,
  email: z.string(),
  state: SyncState,
  lastSuccessAt: z.string().nullable(),
  lastError: z.object({ code: ErrorCode, message: z.string(), at: z.string() }).nullable(),
  retryAt: z.string().nullable(),
  /** Messages per second over the current run, when syncing. */
  rate: z.number().nullable(),
  /** Seconds left at the current rate, when it can be estimated. */
  etaSeconds: z.number().nullable(),
  folders: z.array(FolderProgress),
  messages: z.number().int(),
  /**
   * Where the sync window starts (Settings: backfill months): older mail stays on the server, and a
   * folder's total counts only the mail since then. Null: the whole mailbox is synced.
   */
  since: z.string().nullable(),
});
export type AccountSyncStatus = z.infer<typeof AccountSyncStatus>;
