import type { ReactElement } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { UsersIcon } from '../components/icons.js';

export function ContactsPage(): ReactElement {
  return (
    <div className="page" data-testid="page-contacts">
      <EmptyState icon={<UsersIcon size={24} />} title="No contacts yet">
        <p>The people you exchange email with will be listed here once a mailbox is connected and synced.</p>
      </EmptyState>
    </div>
  );
}
