import type { ReactElement } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { BriefcaseIcon } from '../components/icons.js';

export function DealsPage(): ReactElement {
  return (
    <div className="page" data-testid="page-deals">
      <EmptyState icon={<BriefcaseIcon size={24} />} title="No deals yet">
        <p>
          The opportunities you track with your customers will be listed here, with the conversations behind each one.
        </p>
      </EmptyState>
    </div>
  );
}
