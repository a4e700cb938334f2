import type { ReactElement } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { InboxIcon } from '../components/icons.js';

export function TimelinePage(): ReactElement {
  return (
    <div className="page" data-testid="page-timeline">
      <EmptyState icon={<InboxIcon size={24} />} title="No conversations yet">
        <p>
          Connect a mailbox in Settings to fill your timeline. Every email with your customers will appear here, newest
          first, filed under the right contact, company and deal.
        </p>
      </EmptyState>
    </div>
  );
}
