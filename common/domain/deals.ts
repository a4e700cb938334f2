import { z } from 'zod';

/** Stages end a deal as won or lost; every other stage is open. */
export const StageKind = z.enum(['open', 'won', 'lost']);
export type StageKind = z.infer<typeof StageKind>;

const Id = z.number().int().positive();

export const Stage = z.object({ id: Id, name: z.string(), position: z.number().int().nonnegative(), kind: StageKind });
export type Stage = z.infer<typeof Stage>;

export const Pipeline = z.object({ id: Id, name: z.string(), stages: z.array(Stage) });
export type Pipeline = z.infer<typeof Pipeline>;

/** ISO 4217 alphabetic code, upper case (EUR, USD, JPY). */
export const CurrencyCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, 'Use a three-letter ISO 4217 currency code')
  .transform((code) => code.toUpperCase());

/**
 * Amounts are integer minor units (cents for EUR, yen for JPY) so sums are exact; they are
 * never added across currencies.
 */
export const AmountMinor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A calendar date, YYYY-MM-DD. */
export const CalendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date as YYYY-MM-DD');

export const DealCompany = z.object({ id: Id, name: z.string(), domain: z.string() });
export const DealContact = z.object({ id: Id, name: z.string(), email: z.string().nullable() });
export type DealContact = z.infer<typeof DealContact>;

export const Deal = z.object({
  id: Id,
  name: z.string(),
  amountMinor: AmountMinor,
  currency: z.string(),
  pipelineId: Id,
  stageId: Id,
  stageName: z.string(),
  stageKind: StageKind,
  /** Order within its stage, 0 first, dense. */
  position: z.number().int().nonnegative(),
  closeDate: z.string().nullable(),
  owner: z.string().nullable(),
  company: DealCompany.nullable(),
  contacts: z.array(DealContact),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Deal = z.infer<typeof Deal>;

/** What a board card shows: the deal itself (one shape for cards, lists and the drawer). */
export const DealCard = Deal;
export type DealCard = Deal;

export const CurrencyTotal = z.object({ currency: z.string(), amountMinor: AmountMinor });
export type CurrencyTotal = z.infer<typeof CurrencyTotal>;

export const BoardColumn = z.object({
  stage: Stage,
  deals: z.array(DealCard),
  count: z.number().int().nonnegative(),
  /** One total per currency, in currency code order; never summed across currencies. */
  totals: z.array(CurrencyTotal),
});
export type BoardColumn = z.infer<typeof BoardColumn>;

export const Board = z.object({ pipeline: Pipeline, stages: z.array(BoardColumn) });
export type Board = z.infer<typeof Board>;

const Name = z.string().trim().min(1, 'Enter a name').max(200);
const Owner = z.string().trim().max(200).nullable();

export const CreateDealInput = z
  .object({
    name: Name,
    amountMinor: AmountMinor,
    currency: CurrencyCode,
    /** The default pipeline when left out. */
    pipelineId: Id.optional(),
    /** The pipeline's first stage when left out. */
    stageId: Id.optional(),
    closeDate: CalendarDate.nullable().optional(),
    owner: Owner.optional(),
    companyId: Id.nullable().optional(),
    contactIds: z.array(Id).max(100).optional(),
  })
  .strict();
export type CreateDealInput = z.infer<typeof CreateDealInput>;

export const UpdateDealInput = z
  .object({
    id: Id,
    name: Name.optional(),
    amountMinor: AmountMinor.optional(),
    currency: CurrencyCode.optional(),
    closeDate: CalendarDate.nullable().optional(),
    owner: Owner.optional(),
    companyId: Id.nullable().optional(),
    /** Replaces the deal's contacts. */
    contactIds: z.array(Id).max(100).optional(),
  })
  .strict();
export type UpdateDealInput = z.infer<typeof UpdateDealInput>;

export const MoveDealInput = z
  .object({
    id: Id,
    stageId: Id,
    /** Place it just before this deal of the target stage; at the end when null or left out. */
    beforeId: Id.nullable().optional(),
  })
  .strict();
export type MoveDealInput = z.infer<typeof MoveDealInput>;

export const ListDealsInput = z
  .object({
    contactId: Id.optional(),
    companyId: Id.optional(),
    cursor: z.string().min(1).max(200).optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type ListDealsInput = z.infer<typeof ListDealsInput>;

export const DealPage = z.object({ items: z.array(Deal), next: z.string().nullable() });
export type DealPage = z.infer<typeof DealPage>;

/** The number of minor units in one major unit of a currency (100 for EUR, 1 for JPY). */
export function minorUnitsPerMajor(currency: string): number {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // An unknown code: two decimals, the common case.
  }
  return 10 ** digits;
}

/** "1200.50" EUR -> 120050; null when the text is not an amount with at most the currency's decimals. */
export function parseAmount(text: string, currency: string): number | null {
  const per = minorUnitsPerMajor(currency);
  const digits = Math.round(Math.log10(per));
  const match = /^\s*(\d+)(?:[.,](\d*))?\s*$/.exec(text);
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  const minor = Number(match[1]) * per + Number(fraction.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(minor) ? minor : null;
}

/** 120050 EUR -> "1200.50" (for form fields; display uses Intl.NumberFormat). */
export function formatAmountPlain(amountMinor: number, currency: string): string {
  const per = minorUnitsPerMajor(currency);
  const digits = Math.round(Math.log10(per));
  const major = Math.floor(amountMinor / per);
  return digits === 0 ? String(major) : `${major}.${String(amountMinor % per).padStart(digits, '0')}`;
}
