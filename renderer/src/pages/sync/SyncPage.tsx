import type { ReactElement } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { MailIcon } from '../components/icons.js';

export function SyncPage(): ReactElement {
  return (
    <div className="page" data-testid="page-sync">
      <EmptyState icon={<MailIcon size={24} />} title="No mailboxes connected">
        <p>
          Clientele copies your mail into this encrypted profile, on this computer. Once a mailbox is connected, its
          sync progress and health will show here.
        </p>
      </EmptyState>
    </div>
  );
}
