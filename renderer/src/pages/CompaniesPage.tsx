import type { ReactElement } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { BuildingIcon } from '../components/icons.js';

export function CompaniesPage(): ReactElement {
  return (
    <div className="page" data-testid="page-companies">
      <EmptyState icon={<BuildingIcon size={24} />} title="No companies yet">
        <p>The organisations your contacts work for will be listed here once a mailbox is connected and synced.</p>
      </EmptyState>
    </div>
  );
}
