import { z } from 'zod';
import { CompanySummary, ContactSummary } from './crm.js';

const Id = z.number().int().positive();

/** Which kind of record a merge joined. */
export const MergeKind = z.enum(['contact', 'company']);
export type MergeKind = z.infer<typeof MergeKind>;

/** Why records look like one person or one company. */
export const DuplicateReason = z.enum([
  'same-name',
  'same-phone',
  'same-local-part',
  'same-company-name',
  'same-registrable-domain',
]);
export type DuplicateReason = z.infer<typeof DuplicateReason>;

export const DuplicatesInput = z.object({ limit: z.number().int().min(1).max(200).default(50) }).strict();
export type DuplicatesInput = z.infer<typeof DuplicatesInput>;

export const ContactDuplicateGroup = z.object({
  reason: DuplicateReason,
  /** The reason in words, e.g. 'Same name "Ada Lovelace" with different addresses'. */
  explanation: z.string(),
  contacts: z.array(ContactSummary).min(2),
});
export type ContactDuplicateGroup = z.infer<typeof ContactDuplicateGroup>;

export const CompanyDuplicateGroup = z.object({
  reason: DuplicateReason,
  explanation: z.string(),
  companies: z.array(CompanySummary).min(2),
});
export type CompanyDuplicateGroup = z.infer<typeof CompanyDuplicateGroup>;

export const MAX_MERGE_SOURCES = 50;

export const MergeInput = z
  .object({
    /** The record that stays; the sources' links move to it and the sources are deleted. */
    targetId: Id,
    sourceIds: z.array(Id).min(1).max(MAX_MERGE_SOURCES),
  })
  .strict()
  .refine((input) => !input.sourceIds.includes(input.targetId), {
    message: 'A record cannot be merged into itself',
    path: ['sourceIds'],
  })
  .refine((input) => new Set(input.sourceIds).size === input.sourceIds.length, {
    message: 'A source is listed twice',
    path: ['sourceIds'],
  });
export type MergeInput = z.infer<typeof MergeInput>;

export const MergeResult = z.object({
  mergeId: Id,
  kind: MergeKind,
  targetId: Id,
  sourceIds: z.array(Id),
  /** Links moved to the target, and links dropped because the target already had them. */
  moved: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
});
export type MergeResult = z.infer<typeof MergeResult>;

export const UndoMergeInput = z.object({ mergeId: Id }).strict();
export type UndoMergeInput = z.infer<typeof UndoMergeInput>;

export const UndoMergeResult = z.object({ mergeId: Id, targetId: Id, restoredIds: z.array(Id) });
export type UndoMergeResult = z.infer<typeof UndoMergeResult>;

export const MergeHistoryInput = z.object({ limit: z.number().int().min(1).max(200).default(50) }).strict();
export type MergeHistoryInput = z.infer<typeof MergeHistoryInput>;

/** One merge as the history lists it, newest first. */
export const MergeRecord = z.object({
  mergeId: Id,
  kind: MergeKind,
  targetId: Id,
  targetName: z.string(),
  sourceIds: z.array(Id),
  sourceNames: z.array(z.string()),
  mergedAt: z.string(),
  undoneAt: z.string().nullable(),
});
export type MergeRecord = z.infer<typeof MergeRecord>;
