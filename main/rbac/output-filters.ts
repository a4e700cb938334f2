import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { CallName, CallOutput } from '../../common/api/contract.js';
import type { CsvExport } from '../../common/domain/csv.js';
import type { Deal } from '../../common/domain/deals.js';
import { AppError } from '../../common/errors.js';
import { emailVisibilityOf, isFieldHidden } from '../../common/rbac/evaluate.js';
import type { EmailVisibility, Policy } from '../../common/rbac/permissions.js';

/**
 * Field rules and email visibility, applied to results in one place: the dispatcher runs the filter of
 * a call (if it has one) on the output after the contract shaped it, for every transport. A filter
 * removes what the policy hides (the key is gone from the result, not blanked) or refuses the call.
 *
 * Covered:
 * - deal.amount hidden: `amountMinor` of every deal in deals.get / deals.list / deals.board and in what
 *   deals.create / deals.update / deals.move return, the board's per-currency totals (they add up the
 *   hidden amounts), and the amount columns of the deals.export CSV.
 * - email visibility 'metadata': no subject, snippet or body on mail.list / mail.get / search.messages /
 *   timeline.forRecord (thread items) / mail.listAttachments; mail.downloadAttachment is refused.
 *   'subject': the subject stays; bodies (text, html, snippets) go, attachments are refused.
 * The search itself only matches what the user may read (search-handlers.ts, searchColumnsFor): a hit
 * for a word of a hidden body would reveal the body.
 */
export type OutputFilter<N extends CallName> = (value: CallOutput<N>, policy: Policy) => CallOutput<N>;
export type OutputFilters = { [N in CallName]?: OutputFilter<N> };

export const OUTPUT_FILTERS: OutputFilters = {
  'deals.get': (deal, policy) => withoutHiddenDealFields(deal, policy),
  'deals.create': (deal, policy) => withoutHiddenDealFields(deal, policy),
  'deals.update': (deal, policy) => withoutHiddenDealFields(deal, policy),
  'deals.move': (deal, policy) => withoutHiddenDealFields(deal, policy),
  'deals.export': (file, policy) =>
    isFieldHidden(policy, 'deal', 'amount') ? withoutCsvColumns(file, DEAL_AMOUNT_COLUMNS) : file,
  'deals.list': (page, policy) => ({ ...page, items: page.items.map((deal) => withoutHiddenDealFields(deal, policy)) }),
  'deals.board': (board, policy) =>
    isFieldHidden(policy, 'deal', 'amount')
      ? {
          ...board,
          stages: board.stages.map((column) => ({
            ...column,
            deals: column.deals.map((deal) => withoutHiddenDealFields(deal, policy)),
            totals: column.totals.map(({ currency }) => ({ currency }) as (typeof column.totals)[number]),
          })),
        }
      : board,
  'mail.list': (page, policy) => {
    const visibility = emailVisibilityOf(policy);
    if (visibility === 'full') return page;
    return {
      ...page,
      items: page.items.map((item) => omit(item, visibility === 'metadata' ? SUBJECT_AND_BODY : BODY)),
    };
  },
  'mail.get': (message, policy) => {
    const visibility = emailVisibilityOf(policy);
    if (visibility === 'full') return message;
    return omit(
      message,
      visibility === 'metadata' ? ['subject', 'text', 'html', 'textTruncated'] : ['text', 'html', 'textTruncated'],
    );
  },
  'search.messages': (results, policy) => {
    const visibility = emailVisibilityOf(policy);
    if (visibility === 'full') return results;
    return {
      ...results,
      hits: results.hits.map((hit) => omit(hit, visibility === 'metadata' ? SUBJECT_AND_BODY : BODY)),
    };
  },
  'timeline.forRecord': (page, policy) => {
    const visibility = emailVisibilityOf(policy);
    if (visibility === 'full') return page;
    return {
      ...page,
      items: page.items.map((item) => {
        if (item.kind !== 'thread') return item;
        const thread = visibility === 'metadata' ? omit(item, ['subject']) : item;
        return { ...thread, latest: omit(item.latest, ['snippet']) };
      }),
    };
  },
  'mail.listAttachments': (list, policy) =>
    emailVisibilityOf(policy) === 'metadata' ? list.map((entry) => omit(entry, ['subject'])) : list,
  'mail.downloadAttachment': (content, policy) => {
    requireVisibility(policy, 'full', 'download attachments');
    return content;
  },
};

const SUBJECT_AND_BODY = ['subject', 'snippet'] as const;
const BODY = ['snippet'] as const;

/** Runs the call's filter, if any. */
export function filterOutput(filters: OutputFilters, call: CallName, value: unknown, policy: Policy): unknown {
  // The table's types tie each filter to its call's output; here the call is only known at run time.
  const filter = (filters as Partial<Record<CallName, (value: unknown, policy: Policy) => unknown>>)[call];
  return filter ? filter(value, policy) : value;
}

/** The deals CSV's columns that carry the amount (main/crm/csv/csv-export.ts). */
const DEAL_AMOUNT_COLUMNS = new Set(['amount', 'amount_minor']);

/**
 * The same CSV without some columns. The cells were neutralized when the file was written, so they are
 * copied as they are; the file keeps its BOM and CRLF (main/crm/csv/csv-write.ts).
 */
function withoutCsvColumns(file: CsvExport, hidden: ReadonlySet<string>): CsvExport {
  const records: string[][] = parse(file.csv, { bom: true, relax_column_count: true });
  const keep = (records[0] ?? []).map((header) => !hidden.has(header));
  const kept = records.map((record) => record.filter((_, index) => keep[index] ?? true));
  return { ...file, csv: `\uFEFF${stringify(kept, { record_delimiter: '\r\n' })}` };
}

function withoutHiddenDealFields(deal: Deal, policy: Policy): Deal {
  return isFieldHidden(policy, 'deal', 'amount') ? omit(deal, ['amountMinor']) : deal;
}

function requireVisibility(policy: Policy, needed: EmailVisibility, what: string): void {
  if (emailVisibilityOf(policy) !== needed) {
    throw new AppError('FORBIDDEN', `Your role does not allow you to ${what} (email visibility).`);
  }
}

/**
 * A copy without the hidden keys. The type stays the call's output type on purpose: the fields are
 * optional to the UI only in the sense that a filtered result lacks them; the contract's types are
 * what an unfiltered result carries.
 */
function omit<T extends object>(value: T, keys: readonly string[]): T {
  const copy = { ...value } as Record<string, unknown>;
  for (const key of keys) delete copy[key];
  return copy as T;
}
