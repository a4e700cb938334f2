import type { CsvExport } from '../../../common/domain/csv.js';
import type { Deal } from '../../../common/domain/deals.js';
import type { CompanyExportRow, ContactExportRow, CsvRepository } from '../../store/repositories/csv-repository.js';
import type { DealsRepository } from '../../store/repositories/deals-repository.js';
import { writeCsv, type CsvColumn } from './csv-write.js';

// Header names an import maps back to the same fields (main/crm/csv/import-mapping.ts).
const CONTACT_COLUMNS: CsvColumn<ContactExportRow>[] = [
  { header: 'id', value: (row) => row.id },
  { header: 'name', value: (row) => row.name },
  { header: 'email', value: (row) => row.emails },
  { header: 'phone', value: (row) => row.phones },
  { header: 'title', value: (row) => row.title },
  { header: 'owner', value: (row) => row.owner },
  { header: 'lifecycle_stage', value: (row) => row.lifecycle_stage },
  { header: 'company', value: (row) => row.company },
  { header: 'company_domain', value: (row) => row.company_domain },
  { header: 'last_activity_at', value: (row) => row.last_activity_at },
  { header: 'created_at', value: (row) => row.created_at },
];

const COMPANY_COLUMNS: CsvColumn<CompanyExportRow>[] = [
  { header: 'id', value: (row) => row.id },
  { header: 'name', value: (row) => row.name },
  { header: 'domain', value: (row) => row.domain },
  { header: 'owner', value: (row) => row.owner },
  { header: 'contacts', value: (row) => row.contacts },
  { header: 'created_at', value: (row) => row.created_at },
];

const DEAL_COLUMNS: CsvColumn<Deal>[] = [
  { header: 'id', value: (deal) => deal.id },
  { header: 'name', value: (deal) => deal.name },
  { header: 'amount', value: (deal) => formatAmount(deal.amountMinor, deal.currency) },
  { header: 'amount_minor', value: (deal) => deal.amountMinor },
  { header: 'currency', value: (deal) => deal.currency },
  { header: 'stage', value: (deal) => deal.stageName },
  { header: 'stage_kind', value: (deal) => deal.stageKind },
  { header: 'close_date', value: (deal) => deal.closeDate },
  { header: 'owner', value: (deal) => deal.owner },
  { header: 'company', value: (deal) => deal.company?.name ?? null },
  { header: 'company_domain', value: (deal) => deal.company?.domain ?? null },
  {
    header: 'contacts',
    value: (deal) => deal.contacts.map((c) => (c.email ? `${c.name} <${c.email}>` : c.name)).join('; '),
  },
  { header: 'created_at', value: (deal) => deal.createdAt },
  { header: 'updated_at', value: (deal) => deal.updatedAt },
];

export function exportContacts(csv: CsvRepository, today: string): CsvExport {
  return { filename: `clientele-contacts-${today}.csv`, ...writeCsv(CONTACT_COLUMNS, csv.contacts()) };
}

export function exportCompanies(csv: CsvRepository, today: string): CsvExport {
  return { filename: `clientele-companies-${today}.csv`, ...writeCsv(COMPANY_COLUMNS, csv.companies()) };
}

export function exportDeals(deals: DealsRepository, today: string): CsvExport {
  return { filename: `clientele-deals-${today}.csv`, ...writeCsv(DEAL_COLUMNS, allDeals(deals)) };
}

/** Every deal, page by page through the deals repository (most recently updated first). */
function* allDeals(deals: DealsRepository): Generator<Deal> {
  let cursor: string | undefined;
  do {
    const page = deals.list({}, cursor, 500);
    yield* page.items;
    cursor = page.next ?? undefined;
  } while (cursor !== undefined);
}

/** 123456 EUR → '1234.56', 500 JPY → '500': a plain decimal a spreadsheet sums (never mixed across currencies). */
function formatAmount(minor: number, currency: string): string {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // An unknown code: two decimals, like most currencies.
  }
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
