import type { ReactElement } from 'react';
import type { SettingsControls } from '../hooks/useSettings.js';
import { CompaniesPage } from '../pages/CompaniesPage.js';
import { ContactsPage } from '../pages/ContactsPage.js';
import { DealsPage } from '../pages/DealsPage.js';
import { SearchPage } from '../pages/SearchPage.js';
import { SettingsPage } from '../pages/settings/SettingsPage.js';
import { SyncPage } from '../pages/sync/SyncPage.js';
import { TimelinePage } from '../pages/TimelinePage.js';
import type { PageId } from './routes.js';

export function PageView({ page, settings }: { page: PageId; settings: SettingsControls }): ReactElement {
  switch (page) {
    case 'timeline':
      return <TimelinePage />;
    case 'contacts':
      return <ContactsPage />;
    case 'companies':
      return <CompaniesPage />;
    case 'deals':
      return <DealsPage />;
    case 'search':
      return <SearchPage />;
    case 'sync':
      return <SyncPage />;
    case 'settings':
      return <SettingsPage settings={settings} />;
  }
}
