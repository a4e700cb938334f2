import type { ReactElement } from 'react';
import type { SettingsControls } from '../hooks/useSettings.js';
import { CompaniesPage } from '../pages/CompaniesPage.js';
import { ContactsPage } from '../pages/ContactsPage.js';
import { DealsPage } from '../pages/DealsPage.js';
import { CompaniesRoute, ContactsRoute } from '../pages/record/RecordRoutes.js';
import { ReportsPage } from '../pages/reports/ReportsPage.js';
import { SearchPage } from '../pages/search/SearchPage.js';
import { SettingsPage } from '../pages/settings/SettingsPage.js';
import { SyncPage } from '../pages/sync/SyncPage.js';
import { TimelinePage } from '../pages/TimelinePage.js';
import type { PageId } from './routes.js';

export function PageView({ page, settings }: { page: PageId; settings: SettingsControls }): ReactElement {
  switch (page) {
    case 'timeline':
      return <TimelinePage />;
    case 'contacts':
      return <ContactsRoute list={<ContactsPage />} />;
    case 'companies':
      return <CompaniesRoute list={<CompaniesPage />} />;
    case 'deals':
      return <DealsPage />;
    case 'search':
      return <SearchPage />;
    case 'reports':
      return <ReportsPage />;
    case 'sync':
      return <SyncPage />;
    case 'settings':
      return <SettingsPage settings={settings} />;
  }
}
