import { z } from 'zod';

/** Largest CSV an import reads (characters), and most data rows: beyond them the call answers TOO_LARGE. */
export const MAX_IMPORT_CHARS = 4 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 50_000;
/** How many rows a preview lists one by one (its counts cover every row). */
export const PREVIEW_ROWS = 200;
/** How many raw rows a preview shows under the column headers. */
export const SAMPLE_ROWS = 5;

export const ContactImportField = z.enum([
  'name',
  'firstName',
  'lastName',
  'email',
  'phone',
  'title',
  'owner',
  'lifecycleStage',
  'company',
  'companyDomain',
]);
export type ContactImportField = z.infer<typeof ContactImportField>;

export const CompanyImportField = z.enum(['name', 'domain', 'owner']);
export type CompanyImportField = z.infer<typeof CompanyImportField>;

/** Column header → the field it fills, or null to leave the column out. */
export const ContactMapping = z.record(z.string().max(200), ContactImportField.nullable());
export type ContactMapping = z.infer<typeof ContactMapping>;
export const CompanyMapping = z.record(z.string().max(200), CompanyImportField.nullable());
export type CompanyMapping = z.infer<typeof CompanyMapping>;

/** No max here on purpose: a file over MAX_IMPORT_CHARS answers TOO_LARGE, not a validation error. */
const CsvText = z.string();

export const ContactImportPreviewInput = z.object({ csv: CsvText, mapping: ContactMapping.optional() }).strict();
export type ContactImportPreviewInput = z.infer<typeof ContactImportPreviewInput>;
export const CompanyImportPreviewInput = z.object({ csv: CsvText, mapping: CompanyMapping.optional() }).strict();
export type CompanyImportPreviewInput = z.infer<typeof CompanyImportPreviewInput>;

export const OnDuplicate = z.enum(['skip', 'update']);
export type OnDuplicate = z.infer<typeof OnDuplicate>;

export const ContactImportInput = z
  .object({ csv: CsvText, mapping: ContactMapping, onDuplicate: OnDuplicate.default('skip') })
  .strict();
export type ContactImportInput = z.infer<typeof ContactImportInput>;
export const CompanyImportInput = z
  .object({ csv: CsvText, mapping: CompanyMapping, onDuplicate: OnDuplicate.default('skip') })
  .strict();
export type CompanyImportInput = z.infer<typeof CompanyImportInput>;

/** One data row as the import would take it. `line`: the line of the file the row ends on (the header is 1). */
export const ImportRowResult = z.object({
  line: z.number().int().positive(),
  status: z.enum(['new', 'duplicate', 'invalid']),
  /** For 'invalid': why, in words. */
  reason: z.string().nullable(),
  /** For 'duplicate': the record that already has this address (or domain). */
  existingId: z.number().int().positive().nullable(),
  /** The values the row gives, by field. */
  values: z.record(z.string(), z.string()),
});
export type ImportRowResult = z.infer<typeof ImportRowResult>;

export const ImportCounts = z.object({
  new: z.number().int().nonnegative(),
  duplicate: z.number().int().nonnegative(),
  invalid: z.number().int().nonnegative(),
});
export type ImportCounts = z.infer<typeof ImportCounts>;

const previewShape = {
  columns: z.array(z.string()),
  sample: z.array(z.array(z.string())),
  total: z.number().int().nonnegative(),
  counts: ImportCounts,
  rows: z.array(ImportRowResult),
};
export const ContactImportPreview = z.object({ ...previewShape, mapping: ContactMapping });
export type ContactImportPreview = z.infer<typeof ContactImportPreview>;
export const CompanyImportPreview = z.object({ ...previewShape, mapping: CompanyMapping });
export type CompanyImportPreview = z.infer<typeof CompanyImportPreview>;

export const ImportResult = z.object({
  created: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  /** Rows left out as invalid (the first PREVIEW_ROWS of them, with the reason). */
  invalid: z.array(z.object({ line: z.number().int().positive(), reason: z.string() })),
  invalidCount: z.number().int().nonnegative(),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const ExportInput = z.object({}).strict();
export const CsvExport = z.object({ filename: z.string(), csv: z.string(), rows: z.number().int().nonnegative() });
export type CsvExport = z.infer<typeof CsvExport>;
