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
import {
  GetMessageInput,
  ListMessagesInput,
  MessageDetail,
  MessagePage,
  SetImagesAllowedInput,
} from '../domain/messages.js';
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
import { SearchIndexing, SearchMessagesInput, SearchResults } from '../domain/search.js';
import { BlockEntry, BlockInput, BlockPreview, BlockResult, UnblockResult } from '../domain/blocklist.js';
import {
  Board,
  CreateDealInput,
  Deal,
  DealPage,
  ListDealsInput,
  MoveDealInput,
  Pipeline,
  UpdateDealInput,
} from '../domain/deals.js';
import {
  CreateNoteInput,
  CreateTaskInput,
  Note,
  Task,
  TimelineInput,
  TimelinePage,
  UpdateTaskInput,
} from '../domain/timeline.js';
import {
  CompanyDetail,
  RecordResults,
  SearchRecordsInput,
  UpdateCompanyInput,
  UpdateContactInput,
} from '../domain/records.js';
import { EmailActivity, EmailActivityInput } from '../domain/reports.js';
import {
  CompanyDuplicateGroup,
  ContactDuplicateGroup,
  DuplicatesInput,
  MergeHistoryInput,
  MergeInput,
  MergeRecord,
  MergeResult,
  UndoMergeInput,
  UndoMergeResult,
} from '../domain/merge.js';
import {
  CompanyImportInput,
  CompanyImportPreview,
  CompanyImportPreviewInput,
  ContactImportInput,
  ContactImportPreview,
  ContactImportPreviewInput,
  CsvExport,
  ExportInput,
  ImportResult,
} from '../domain/csv.js';
import { PolicyView } from '../rbac/policy.js';
import {
  PolicyRefreshResult,
  TeamEnrollInput,
  TeamServerSso,
  TeamSsoFlowInput,
  TeamSsoInput,
  TeamSsoStarted,
  TeamStatus,
  TeamServerUrl,
} from './team.js';
import { GrantRequestInput, GrantView } from './server-grants.js';
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
  // Public on purpose: anyone may know their own rights (the UI hides what is forbidden with it);
  // it still needs an open profile.
  'policy.get': call({
    summary: 'What the policy in force lets this user do now: effective permissions, field rules, email visibility',
    input: z.object({}).strict(),
    output: PolicyView,
    permission: 'public',
  }),
  // Joining a team server replaces the owner's rights with the server's policy: it takes the right to
  // change settings (a solo owner has it).
  'team.enroll': call({
    summary: 'Enroll this profile with a team server: sign in, pin the workspace key, apply the first policy',
    input: TeamEnrollInput,
    output: TeamStatus,
    permission: { object: 'settings', action: 'edit' },
  }),
  // The same right as team.enroll: each of these leads to enrolling (or asks a server whether it can).
  'team.ssoStatus': call({
    summary: 'Ask a team server whether it offers single sign-on (to show "Sign in with SSO")',
    input: z.object({ serverUrl: TeamServerUrl }).strict(),
    output: TeamServerSso,
    permission: { object: 'settings', action: 'edit' },
  }),
  'team.enrollSso': call({
    summary:
      "Start enrolling through the team server's single sign-on: the sign-in page to open in the browser (loopback redirect, PKCE)",
    input: TeamSsoInput,
    output: TeamSsoStarted,
    permission: { object: 'settings', action: 'edit' },
  }),
  'team.completeSso': call({
    summary: 'Wait for the SSO sign-in in the browser, then enroll as team.enroll does (pin the key, apply the policy)',
    input: TeamSsoFlowInput,
    output: TeamStatus,
    permission: { object: 'settings', action: 'edit' },
  }),
  'team.cancelSso': call({
    summary: 'Stop waiting for an SSO sign-in started with team.enrollSso',
    input: TeamSsoFlowInput,
    output: z.object({ cancelled: z.boolean() }),
    permission: { object: 'settings', action: 'edit' },
  }),
  // Public like policy.get: anyone may see whether and where the profile is enrolled.
  'team.status': call({
    summary: 'Whether the profile is enrolled: server, user, workspace key fingerprint, policy version and expiry',
    input: z.object({}).strict(),
    output: TeamStatus,
    permission: 'public',
  }),
  // Public: a profile locked read-only (policy expired offline) must be able to fetch its way out.
  // It can only apply what the pinned workspace key signed.
  'team.refreshPolicy': call({
    summary: 'Fetch the team policy now instead of waiting for the next interval',
    input: z.object({}).strict(),
    output: PolicyRefreshResult,
    permission: 'public',
  }),
  // Just-in-time grants. Public on purpose: asking for a permission one lacks is the point, so no
  // permission of the policy can gate it (a user with no role at all may ask). Nothing is granted
  // here: the team server authenticates the sealed session, applies its rules and audits, and an
  // approval reaches this profile only as a signed policy. Each user sees and cancels only their own.
  'team.requestGrant': call({
    summary: 'Ask the team server for one extra permission for a while (object, action, scope, minutes, reason)',
    input: GrantRequestInput,
    output: GrantView,
    permission: 'public',
  }),
  'team.listGrants': call({
    summary: 'My access requests on the team server, newest first, with their status and expiry',
    input: z.object({}).strict(),
    output: z.array(GrantView),
    permission: 'public',
  }),
  'team.cancelGrant': call({
    summary: 'Withdraw one of my access requests, or give back a grant before it expires',
    input: z.object({ id: z.string().uuid() }).strict(),
    output: GrantView,
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
    sensitiveView: { target: (input) => `message:${input.messageId}/part:${input.partId}` },
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
    sensitiveView: { target: (input) => `message:${input.id}` },
  }),
  // Blocking deletes stored email: it takes the right to delete email (not settings.edit, which
  // would let whoever may change settings delete mail). Unblocking brings that mail back: same right.
  'blocklist.list': call({
    summary: 'Blocked senders (addresses and domains) with how many server copies each keeps out',
    input: z.object({}).strict(),
    output: z.array(BlockEntry),
    permission: { object: 'email', action: 'view' },
  }),
  'blocklist.preview': call({
    summary: 'How many stored messages blocking a sender would delete (for the confirmation)',
    input: BlockInput,
    output: BlockPreview,
    permission: { object: 'email', action: 'view' },
  }),
  'blocklist.add': call({
    summary: 'Block an address or a domain (and its subdomains): deletes its stored mail and keeps new mail out',
    input: BlockInput,
    output: BlockResult,
    permission: { object: 'email', action: 'delete' },
  }),
  'blocklist.remove': call({
    summary: 'Unblock: the next sync fetches the mail the entry kept out again',
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: UnblockResult,
    permission: { object: 'email', action: 'delete' },
  }),
  'mail.setImagesAllowed': call({
    summary:
      'Show (or block again) remote images in the mail of one sender; they are blocked until the user allows them',
    input: SetImagesAllowedInput,
    output: z.object({ address: z.string(), allowed: z.boolean() }),
    // A reading preference of the user's own, like opening the message: anyone who may read mail.
    permission: { object: 'email', action: 'view' },
  }),
  'search.messages': call({
    summary: 'Full-text search of synced mail (subject, body, participants): newest first or ranked, with snippets',
    input: SearchMessagesInput,
    output: SearchResults,
    permission: { object: 'email', action: 'view' },
  }),
  'search.indexing': call({
    summary: 'How much synced mail is searchable yet: the full-text index catches up in the background',
    input: z.object({}).strict(),
    output: SearchIndexing,
    permission: { object: 'email', action: 'view' },
  }),
  // Deals, notes, tasks and the record timeline (helper A).
  'timeline.forRecord': call({
    summary:
      "A contact's, company's or deal's timeline: email threads, notes, tasks and stage changes, newest first, keyset-paged",
    input: TimelineInput,
    output: TimelinePage,
    // The handler also checks view of the record's own object (contact, company or deal).
    permission: { object: 'email', action: 'view' },
  }),
  'notes.create': call({
    summary: 'Add a note to a contact, company or deal',
    input: CreateNoteInput,
    output: Note,
    permission: { object: 'note', action: 'create' },
  }),
  'notes.delete': call({
    summary: 'Delete a note',
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: z.object({ deleted: z.boolean() }),
    permission: { object: 'note', action: 'delete' },
  }),
  'tasks.create': call({
    summary: 'Add a task (optionally due at a time) to a contact, company or deal',
    input: CreateTaskInput,
    output: Task,
    permission: { object: 'task', action: 'create' },
  }),
  'tasks.update': call({
    summary: "Change a task's title or due time, or mark it done or not done",
    input: UpdateTaskInput,
    output: Task,
    permission: { object: 'task', action: 'edit' },
  }),
  'tasks.delete': call({
    summary: 'Delete a task',
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: z.object({ deleted: z.boolean() }),
    permission: { object: 'task', action: 'delete' },
  }),
  'pipelines.list': call({
    summary: 'Deal pipelines with their stages in order',
    input: z.object({}).strict(),
    output: z.array(Pipeline),
    permission: { object: 'deal', action: 'view' },
  }),
  'deals.board': call({
    summary: "A pipeline's board: each stage's deals in order, their count and totals per currency",
    input: z.object({ pipelineId: z.number().int().positive().optional() }).strict(),
    output: Board,
    permission: { object: 'deal', action: 'view' },
  }),
  'deals.list': call({
    summary: "Deals, most recently updated first, keyset-paged; optionally a contact's or a company's",
    input: ListDealsInput,
    output: DealPage,
    permission: { object: 'deal', action: 'view' },
  }),
  'deals.get': call({
    summary: 'One deal with its stage, company and contacts',
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: Deal,
    permission: { object: 'deal', action: 'view' },
  }),
  'deals.create': call({
    summary: 'Create a deal (amount in minor units of an ISO 4217 currency) in a stage of a pipeline',
    input: CreateDealInput,
    output: Deal,
    permission: { object: 'deal', action: 'create' },
  }),
  'deals.update': call({
    summary: "Change a deal's name, amount, currency, close date, owner, company or contacts",
    input: UpdateDealInput,
    output: Deal,
    permission: { object: 'deal', action: 'edit' },
  }),
  'deals.move': call({
    summary: 'Move a deal to a stage (before another deal, or last); the change is kept in its history',
    input: MoveDealInput,
    output: Deal,
    permission: { object: 'deal', action: 'edit' },
  }),
  'deals.delete': call({
    summary: 'Delete a deal with its notes, tasks and history',
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: z.object({ deleted: z.boolean() }),
    permission: { object: 'deal', action: 'delete' },
  }),
  // Record pages, record search and reports (helper D).
  'contacts.update': call({
    summary: "Change a contact's name, phones, title, owner, lifecycle stage or custom fields (a name set here stays)",
    input: UpdateContactInput,
    output: ContactDetail,
    permission: { object: 'contact', action: 'edit' },
  }),
  'companies.get': call({
    summary: 'One company with its details and its contacts (most recent activity first)',
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: CompanyDetail,
    permission: { object: 'company', action: 'view' },
  }),
  'companies.update': call({
    summary: "Change a company's name, owner or custom fields",
    input: UpdateCompanyInput,
    output: CompanyDetail,
    permission: { object: 'company', action: 'edit' },
  }),
  'search.records': call({
    summary: 'Contacts, companies and deals whose name (or a word of it), address or domain starts with the query',
    input: SearchRecordsInput,
    output: RecordResults,
    // Each kind of record is included only when the caller may view it (checked in the handler).
    permission: { object: 'contact', action: 'view' },
  }),
  'reports.emailActivity': call({
    summary: 'Messages sent and received per day, week or month (buckets in UTC), every bucket of the range',
    input: EmailActivityInput,
    output: EmailActivity,
    permission: { object: 'report', action: 'view' },
  }),
  // Duplicates, merge and undo (helper C).
  'contacts.duplicates': call({
    summary: 'Contacts that look like one person (same name, same phone, same address at one company), grouped',
    input: DuplicatesInput,
    output: z.array(ContactDuplicateGroup),
    permission: { object: 'contact', action: 'view' },
  }),
  'contacts.merge': call({
    summary: 'Merge contacts into one: every link moves to the target, empty fields are filled, the others are deleted',
    input: MergeInput,
    output: MergeResult,
    // The sources are deleted: merging takes the right to delete contacts.
    permission: { object: 'contact', action: 'delete' },
  }),
  'contacts.undoMerge': call({
    summary: 'Undo a contact merge exactly (CONFLICT when the records changed since)',
    input: UndoMergeInput,
    output: UndoMergeResult,
    permission: { object: 'contact', action: 'delete' },
  }),
  'contacts.mergeHistory': call({
    summary: 'Contact merges, newest first, and whether each was undone',
    input: MergeHistoryInput,
    output: z.array(MergeRecord),
    permission: { object: 'contact', action: 'view' },
  }),
  'companies.duplicates': call({
    summary: 'Companies that look like one (same name, domains under one registrable domain), grouped',
    input: DuplicatesInput,
    output: z.array(CompanyDuplicateGroup),
    permission: { object: 'company', action: 'view' },
  }),
  'companies.merge': call({
    summary: 'Merge companies into one: contacts, deals, notes and tasks move to the target, the others are deleted',
    input: MergeInput,
    output: MergeResult,
    permission: { object: 'company', action: 'delete' },
  }),
  'companies.undoMerge': call({
    summary: 'Undo a company merge exactly (CONFLICT when the records changed since)',
    input: UndoMergeInput,
    output: UndoMergeResult,
    permission: { object: 'company', action: 'delete' },
  }),
  'companies.mergeHistory': call({
    summary: 'Company merges, newest first, and whether each was undone',
    input: MergeHistoryInput,
    output: z.array(MergeRecord),
    permission: { object: 'company', action: 'view' },
  }),
  // CSV export and import (helper C).
  'contacts.export': call({
    summary: 'Every contact as CSV (cells that a spreadsheet would run as a formula are neutralized)',
    input: ExportInput,
    output: CsvExport,
    permission: { object: 'contact', action: 'export' },
  }),
  'companies.export': call({
    summary: 'Every company as CSV (cells that a spreadsheet would run as a formula are neutralized)',
    input: ExportInput,
    output: CsvExport,
    permission: { object: 'company', action: 'export' },
  }),
  'deals.export': call({
    summary:
      'Every deal as CSV, amounts per currency (cells that a spreadsheet would run as a formula are neutralized)',
    input: ExportInput,
    output: CsvExport,
    permission: { object: 'deal', action: 'export' },
  }),
  'contacts.importPreview': call({
    summary:
      'What importing a CSV of contacts would do: columns, suggested mapping, sample, and each row new, duplicate or invalid',
    input: ContactImportPreviewInput,
    output: ContactImportPreview,
    permission: { object: 'contact', action: 'create' },
  }),
  'contacts.import': call({
    summary: 'Import a CSV of contacts in one transaction; existing addresses are skipped or updated',
    input: ContactImportInput,
    output: ImportResult,
    permission: { object: 'contact', action: 'create' },
  }),
  'companies.importPreview': call({
    summary:
      'What importing a CSV of companies would do: columns, suggested mapping, sample, and each row new, duplicate or invalid',
    input: CompanyImportPreviewInput,
    output: CompanyImportPreview,
    permission: { object: 'company', action: 'create' },
  }),
  'companies.import': call({
    summary: 'Import a CSV of companies in one transaction; existing domains are skipped or updated',
    input: CompanyImportInput,
    output: ImportResult,
    permission: { object: 'company', action: 'create' },
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
