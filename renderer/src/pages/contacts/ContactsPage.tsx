import type { ReactElement } from 'react';
import type { ContactSummary } from '../../../../common/domain/crm.js';
import { UsersIcon } from '../../../../ui/icons.js';
import { call } from '../../api/call.js';
import { recordHref } from '../../frame/routes.js';
import { formatAbsolute, formatDay } from '../../lib/format.js';
import { RecordsPage, type RecordsPageConfig } from '../lists/RecordsPage.js';

const CONTACTS: RecordsPageConfig<ContactSummary> = {
  kind: 'contact',
  testId: 'contacts',
  fetchPage: (input) => call('contacts.list', input),
  loadDuplicates: async () => {
    const result = await call('contacts.duplicates', { limit: 100 });
    if (!result.ok) return result;
    return {
      ok: true,
      value: result.value.map((group) => ({
        explanation: group.explanation,
        records: group.contacts.map(candidateOf),
      })),
    };
  },
  columns: [
    { key: 'name', header: 'Name', render: (contact) => contact.name },
    { key: 'email', header: 'Email', render: (contact) => contact.email },
    { key: 'company', header: 'Company', render: (contact) => contact.company?.name ?? '' },
    {
      key: 'activity',
      header: 'Last activity',
      render: (contact) =>
        contact.lastActivityAt ? (
          <time dateTime={contact.lastActivityAt} title={formatAbsolute(contact.lastActivityAt)}>
            {formatDay(contact.lastActivityAt)}
          </time>
        ) : (
          <span className="text-secondary">—</span>
        ),
    },
  ],
  gridClass: 'records-grid-contacts',
  candidateOf,
  hrefOf: (id) => recordHref('contact', id),
  searchPlaceholder: 'Search by name or address',
  emptyIcon: <UsersIcon size={24} />,
  emptyTitle: 'No contacts yet',
  emptyText:
    'The people you exchange email with will be listed here once a mailbox is connected and synced. You can also import them from a CSV file.',
};

function candidateOf(contact: ContactSummary) {
  const company = contact.company ? ` · ${contact.company.name}` : '';
  return { id: contact.id, name: contact.name, detail: `${contact.email}${company}` };
}

/** Every contact, most recent mail first: search, select to merge, duplicates, import and export. */
export function ContactsPage(): ReactElement {
  return <RecordsPage config={CONTACTS} />;
}
