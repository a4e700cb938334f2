import type { ReactElement } from 'react';
import type { CompanySummary } from '../../../../common/domain/crm.js';
import { call } from '../../api/call.js';
import { BuildingIcon } from '../../components/icons.js';
import { recordHref } from '../../frame/routes.js';
import { formatCount } from '../../lib/format.js';
import { RecordsPage, type RecordsPageConfig } from '../lists/RecordsPage.js';

const COMPANIES: RecordsPageConfig<CompanySummary> = {
  kind: 'company',
  testId: 'companies',
  fetchPage: (input) => call('companies.list', input),
  loadDuplicates: async () => {
    const result = await call('companies.duplicates', { limit: 100 });
    if (!result.ok) return result;
    return {
      ok: true,
      value: result.value.map((group) => ({
        explanation: group.explanation,
        records: group.companies.map(candidateOf),
      })),
    };
  },
  columns: [
    { key: 'name', header: 'Name', render: (company) => company.name },
    { key: 'domain', header: 'Domain', render: (company) => company.domain },
    { key: 'contacts', header: 'Contacts', render: (company) => formatCount(company.contacts) },
  ],
  gridClass: 'records-grid-companies',
  candidateOf,
  hrefOf: (id) => recordHref('company', id),
  searchPlaceholder: 'Search by name or domain',
  emptyIcon: <BuildingIcon size={24} />,
  emptyTitle: 'No companies yet',
  emptyText:
    'Companies are made from the email domains of your contacts (free-mail domains aside). You can also import them from a CSV file.',
};

function candidateOf(company: CompanySummary) {
  return {
    id: company.id,
    name: company.name,
    detail: `${company.domain} · ${company.contacts} contact${company.contacts === 1 ? '' : 's'}`,
  };
}

/** Every company by name: search, select to merge, duplicates, import and export. */
export function CompaniesPage(): ReactElement {
  return <RecordsPage config={COMPANIES} />;
}
