import { z } from 'zod';

/** Which mail of an account makes contacts: none, mail the user sent (and replies to it), or all. */
export const ContactMode = z.enum(['off', 'sent', 'all']);
export type ContactMode = z.infer<typeof ContactMode>;

export const ParticipantRole = z.enum(['from', 'to', 'cc', 'bcc']);
export type ParticipantRole = z.infer<typeof ParticipantRole>;

export const CompanySummary = z.object({
  id: z.number().int().positive(),
  domain: z.string(),
  name: z.string(),
  owner: z.string().nullable(),
  contacts: z.number().int().nonnegative(),
  createdAt: z.string(),
});
export type CompanySummary = z.infer<typeof CompanySummary>;

export const ContactSummary = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  /** The first address (alphabetical); `emails` of contacts.get has them all. */
  email: z.string(),
  company: z.object({ id: z.number().int().positive(), name: z.string(), domain: z.string() }).nullable(),
  source: z.enum(['mail', 'manual']),
  lastActivityAt: z.string().nullable(),
});
export type ContactSummary = z.infer<typeof ContactSummary>;

export const ContactDetail = ContactSummary.extend({
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  title: z.string().nullable(),
  owner: z.string().nullable(),
  lifecycleStage: z.string().nullable(),
  customFields: z.record(z.string(), z.unknown()),
  /** Messages this contact took part in (from, to, cc or bcc), and in the last 90 days. */
  messages: z.number().int().nonnegative(),
  recentMessages: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ContactDetail = z.infer<typeof ContactDetail>;

export const PAGE_MAX = 500;

/** An opaque keyset cursor (the last row of the previous page). */
const Cursor = z.string().min(1).max(200);

export const ListContactsInput = z
  .object({
    /** A prefix of the name (or of any word of it) or of an address. */
    search: z.string().trim().max(200).optional(),
    cursor: Cursor.optional(),
    limit: z.number().int().min(1).max(PAGE_MAX).default(100),
  })
  .strict();
export type ListContactsInput = z.infer<typeof ListContactsInput>;

export const ContactPage = z.object({ items: z.array(ContactSummary), next: Cursor.nullable() });
export type ContactPage = z.infer<typeof ContactPage>;

export const ListCompaniesInput = z
  .object({
    /** A prefix of the name (or of any word of it) or of the domain. */
    search: z.string().trim().max(200).optional(),
    cursor: Cursor.optional(),
    limit: z.number().int().min(1).max(PAGE_MAX).default(100),
  })
  .strict();
export type ListCompaniesInput = z.infer<typeof ListCompaniesInput>;

export const CompanyPage = z.object({ items: z.array(CompanySummary), next: Cursor.nullable() });
export type CompanyPage = z.infer<typeof CompanyPage>;

/** "Why is this a contact?": the decision that stands for an address. */
export const LinkExplanation = z.object({
  address: z.string(),
  /** False when the address was never seen in synced mail (then rule is 'not-seen'). */
  seen: z.boolean(),
  isContact: z.boolean(),
  contactId: z.number().int().positive().nullable(),
  rule: z.string(),
  explanation: z.string(),
  companyRule: z.string().nullable(),
  companyExplanation: z.string().nullable(),
  /** The message the decision was made on, and when. */
  messageId: z.number().int().positive().nullable(),
  decidedAt: z.string().nullable(),
});
export type LinkExplanation = z.infer<typeof LinkExplanation>;

/** An account's setting for making contacts from its mail. */
export const AutoCreateSetting = z.object({ accountId: z.string(), email: z.string(), mode: ContactMode });
export type AutoCreateSetting = z.infer<typeof AutoCreateSetting>;

export const SetAutoCreateInput = z.object({ accountId: z.string().min(1), mode: ContactMode }).strict();
export type SetAutoCreateInput = z.infer<typeof SetAutoCreateInput>;
