import type { ReactElement } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { InboxIcon } from '../components/icons.js';
import { hrefFor } from '../frame/routes.js';

export function TimelinePage(): ReactElement {
  return (
    <div className="page" data-testid="page-timeline">
      <EmptyState icon={<InboxIcon size={24} />} title="No conversations yet">
        <p>
          Once a mailbox is connected, every email with your customers will appear here, newest first, filed under the
          right contact, company and deal.
        </p>
        <a className="btn btn-primary empty-state-action" href={hrefFor('settings')} data-testid="timeline-connect">
          Connect a mailbox
        </a>
      </EmptyState>
    </div>
  );
}
