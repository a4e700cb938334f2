import type { ReactElement } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { SearchIcon } from '../components/icons.js';

export function SearchPage(): ReactElement {
  return (
    <div className="page" data-testid="page-search">
      <EmptyState icon={<SearchIcon size={24} />} title="Nothing to search yet">
        <p>
          Search looks through your conversations, contacts, companies and deals. Connect a mailbox in Settings to give
          it something to find.
        </p>
      </EmptyState>
    </div>
  );
}
