import { z } from 'zod';
import { AppState, DEFAULT_SETTINGS, ProfileInfo, RecoveryKeyText, Settings } from '../domain/profile.js';
import {
  AccountSummary,
  AccountSyncStatus,
  AddImapAccountInput,
  FolderProgress,
  OAuthFlowStarted,
  OAuthProvider,
  SetFolderEnabledInput,
  UpdateImapAccountInput,
} from '../domain/mail.js';
import {
  AttachmentContent,
  DownloadAttachmentInput,
  ListAttachmentsInput,
  MessageAttachments,
} from '../domain/attachments.js';
import { GetMessageInput, ListMessagesInput, MessageDetail, MessagePage } from '../domain/messages.js';
import {
  AutoCreateSetting,
  CompanyPage,
  ContactDetail,
  ContactPage,
  LinkExplanation,
  ListCompaniesInput,
  ListContactsInput,
  SetAutoCreateInput,
} from '../domain/crm.js';
import { SearchMessagesInput, SearchResults } from '../domain/search.js';
import { call, type Contract } from './define.js';

/**
 * The single source of every call the renderer, the browser host and the CLI can make.
 * Preload bridge, HTTP routes, CLI commands, validation and RBAC are all derived from it.
 */
export const contract = {
  'app.state': call({
    summary: 'Where the app stands: onboarding, locked (and why) or ready',
    input: z.object({}).strict(),
    output: AppState,
    permission: 'public',
  }),
  'profile.create': call({
    summary: 'Create the profile, its encrypted store and its keys; returns the recovery key once',
    input: z.object({ displayName: z.string().trim().min(1, 'Enter a name').max(100) }).strict(),
    output: z.object({ profile: ProfileInfo, recoveryKey: z.string() }),
    permission: 'public',
  }),
  'profile.unlock': call({
    summary: 'Try to open the store again (after the keychain was unlocked)',
    input: z.object({}).strict(),
    output: AppState,
    permission: 'public',
  }),
  'profile.recover': call({
    summary: 'Restore the keychain entries from the recovery key',
    input: z.object({ recoveryKey: RecoveryKeyText }).strict(),
    output: ProfileInfo,
    permission: 'public',
  }),
  'profile.rotateRecoveryKey': call({
    summary: 'Replace the recovery key; the old one stops working',
    input: z.object({}).strict(),
    output: z.object({ recoveryKey: z.string() }),
    permission: { object: 'settings', action: 'edit' },
  }),
  'settings.get': call({
    summary: 'Read the profile settings',
    input: z.object({}).strict(),
    output: Settings,
    permission: { object: 'settings', action: 'view' },
  }),
  'settings.update': call({
    summary: 'Change some profile settings',
    input: Settings.partial().strict(),
    output: Settings,
    permission: { object: 'settings', action: 'edit' },
  }),
  'accounts.list': call({
    summary: 'List the connected mail accounts',
    input: z.object({}).strict(),
    output: z.array(AccountSummary),
    permission: { object: 'settings', action: 'view' },
  }),
  'accounts.addImap': call({
    summary: 'Connect an IMAP mailbox (the login is checked before it is saved)',
    input: AddImapAccountInput,
    output: AccountSummary,
    permission: { object: 'settings', action: 'edit' },
  }),
  'accounts.updateImap': call({
    summary: 'Change an IMAP account (e.g. a new password); the login is checked before it is saved',
    input: UpdateImapAccountInput,
    output: AccountSummary,
    permission: { object: 'settings', action: 'edit' },
  }),
  'accounts.beginOAuth': call({
    summary:
      'Start connecting a Gmail or Microsoft 365 account: the sign-in page to open in the browser (loopback redirect, PKCE)',
    input: z.object({ provider: OAuthProvider }).strict(),
    output: OAuthFlowStarted,
    permission: { object: 'settings', action: 'edit' },
  }),
  'accounts.reconnectOAuth': call({
    summary: 'Sign in again to a Gmail or Microsoft 365 account whose access was revoked or expired (AUTH)',
    input: z.object({ accountId: z.string().min(1) }).strict(),
    output: OAuthFlowStarted,
    permission: { object: 'settings', action: 'edit' },
  }),
  'accounts.completeOAuth': call({
    summary: 'Wait for the browser to come back from the sign-in page, then save the account (tokens sealed)',
    input: z.object({ flowId: z.string().min(1).max(100) }).strict(),
    output: AccountSummary,
    permission: { object: 'settings', action: 'edit' },
  }),
  'accounts.cancelOAuth': call({
    summary: 'Stop waiting for a sign-in started with accounts.beginOAuth or accounts.reconnectOAuth',
    input: z.object({ flowId: z.string().min(1).max(100) }).strict(),
    output: z.object({ cancelled: z.boolean() }),
    permission: { object: 'settings', action: 'edit' },
  }),
  'accounts.remove': call({
    summary: 'Disconnect a mail account and delete its synced mail from this computer',
    input: z.object({ id: z.string().min(1) }).strict(),
    output: z.object({ removed: z.boolean() }),
    permission: { object: 'settings', action: 'edit' },
  }),
  'sync.status': call({
    summary: 'Sync health and progress per account and folder',
    input: z.object({}).strict(),
    output: z.array(AccountSyncStatus),
    permission: { object: 'email', action: 'view' },
  }),
  'sync.run': call({
    summary: 'Sync now (one account or all); with wait, return once up to date',
    input: z.object({ accountId: z.string().optional(), wait: z.boolean().default(false) }).strict(),
    output: z.array(AccountSyncStatus),
    permission: { object: 'email', action: 'view' },
  }),
  'sync.setFolderEnabled': call({
    summary: 'Sync a folder of a mail account, or stop syncing it (mail already copied is kept)',
    input: SetFolderEnabledInput,
    output: FolderProgress,
    // Which folders sync is part of the account's set-up, changed like its server settings.
    permission: { object: 'settings', action: 'edit' },
  }),
  'mail.listAttachments': call({
    summary: 'The newest messages that have attachments, with what is known of each attachment',
    input: ListAttachmentsInput,
    output: z.array(MessageAttachments),
    permission: { object: 'email', action: 'view' },
  }),
  'mail.downloadAttachment': call({
    summary: "Download an attachment's content from the mail server (attachments are not synced)",
    input: DownloadAttachmentInput,
    output: AttachmentContent,
    permission: { object: 'email', action: 'view' },
  }),
  'contacts.list': call({
    summary: 'Contacts, most recent mail activity first, keyset-paged; search by a prefix of the name or an address',
    input: ListContactsInput,
    output: ContactPage,
    permission: { object: 'contact', action: 'view' },
  }),
  'contacts.get': call({
    summary: 'One contact with its addresses, company and how many messages it took part in',
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: ContactDetail,
    permission: { object: 'contact', action: 'view' },
  }),
  'contacts.explain': call({
    summary: 'Why an address is (or is not) a contact: the rule that decided and its explanation',
    input: z.object({ address: z.string().trim().min(1).max(320) }).strict(),
    output: LinkExplanation,
    permission: { object: 'contact', action: 'view' },
  }),
  'contacts.autoCreate': call({
    summary: "Each account's setting for making contacts from mail: off, sent (mail you sent and replies) or all",
    input: z.object({}).strict(),
    output: z.array(AutoCreateSetting),
    permission: { object: 'settings', action: 'view' },
  }),
  'contacts.setAutoCreate': call({
    summary: "Change an account's setting; its mail is decided again (contacts already made stay)",
    input: SetAutoCreateInput,
    output: AutoCreateSetting,
    permission: { object: 'settings', action: 'edit' },
  }),
  'companies.list': call({
    summary: 'Companies made from email domains (and by hand), by name, keyset-paged',
    input: ListCompaniesInput,
    output: CompanyPage,
    permission: { object: 'company', action: 'view' },
  }),
  'mail.list': call({
    summary: 'The timeline: live messages newest first, keyset-paged (no bodies); optionally of one account or thread',
    input: ListMessagesInput,
    output: MessagePage,
    permission: { object: 'email', action: 'view' },
  }),
  'mail.get': call({
    summary: 'One message to read: headers, text, the HTML as sent (sanitize before showing) and attachment metadata',
    input: GetMessageInput,
    output: MessageDetail,
    permission: { object: 'email', action: 'view' },
  }),
  'search.messages': call({
    summary: 'Full-text search of synced mail (subject, body, participants): newest first or ranked, with snippets',
    input: SearchMessagesInput,
    output: SearchResults,
    permission: { object: 'email', action: 'view' },
  }),
} satisfies Contract;

export type ApiContract = typeof contract;
export type CallName = keyof ApiContract;
export type CallInput<N extends CallName> = z.input<ApiContract[N]['input']>;
export type CallOutput<N extends CallName> = z.output<ApiContract[N]['output']>;

export const CALL_NAMES = Object.keys(contract) as CallName[];

export function isCallName(name: string): name is CallName {
  return Object.hasOwn(contract, name);
}

export { DEFAULT_SETTINGS };
