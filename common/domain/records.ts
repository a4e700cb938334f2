import { z } from 'zod';
import { CompanySummary, ContactSummary } from './crm.js';
import { RecordType } from './timeline.js';

const Id = z.number().int().positive();
const ShortText = z.string().trim().max(200);
/** A field the user may clear: null (or an empty string) removes it. */
const Clearable = ShortText.nullable().transform((value) => (value === '' ? null : value));
const CustomFields = z.record(z.string().trim().min(1).max(100), z.unknown());

/**
 * Edits to a contact: only the fields given change. A name set here is the user's and stays: the
 * linker never replaces it with a display name seen in later mail.
 */
export const UpdateContactInput = z
  .object({
    id: Id,
    name: z.string().trim().min(1, 'Enter a name').max(200).optional(),
    phones: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
    title: Clearable.optional(),
    owner: Clearable.optional(),
    lifecycleStage: Clearable.optional(),
    customFields: CustomFields.optional(),
  })
  .strict();
export type UpdateContactInput = z.output<typeof UpdateContactInput>;

export const CompanyDetail = CompanySummary.extend({
  source: z.enum(['mail', 'manual']),
  customFields: z.record(z.string(), z.unknown()),
  updatedAt: z.string(),
  /** Its contacts, most recent mail activity first (up to COMPANY_CONTACTS_SHOWN; `contacts` counts all). */
  people: z.array(ContactSummary),
});
export type CompanyDetail = z.infer<typeof CompanyDetail>;

export const COMPANY_CONTACTS_SHOWN = 100;

export const UpdateCompanyInput = z
  .object({
    id: Id,
    name: z.string().trim().min(1, 'Enter a name').max(200).optional(),
    owner: Clearable.optional(),
    customFields: CustomFields.optional(),
  })
  .strict();
export type UpdateCompanyInput = z.output<typeof UpdateCompanyInput>;

export const SearchRecordsInput = z
  .object({
    /** A prefix of a name (or of any word of it), of an address or of a company's domain. */
    query: z.string().max(200),
    limit: z.number().int().min(1).max(50).default(8),
  })
  .strict();
export type SearchRecordsInput = z.input<typeof SearchRecordsInput>;

export const RecordHit = z.object({
  type: RecordType,
  id: Id,
  name: z.string(),
  /** What tells two records of the same name apart: the address, the domain or the deal's stage. */
  detail: z.string().nullable(),
});
export type RecordHit = z.infer<typeof RecordHit>;

export const RecordResults = z.object({ hits: z.array(RecordHit) });
export type RecordResults = z.infer<typeof RecordResults>;
