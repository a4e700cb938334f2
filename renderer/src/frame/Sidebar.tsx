import type { ReactElement } from 'react';
import { InboxIcon, SettingsIcon, UsersIcon } from '../../../ui/icons.js';
import { Logo } from '../../../ui/Logo.js';
import { BriefcaseIcon, BuildingIcon, ChartIcon, SearchIcon, SyncIcon } from '../components/icons.js';
import { hrefFor, PAGE_LABELS, type PageId } from './routes.js';

const ICONS: Record<PageId, () => ReactElement> = {
  timeline: () => <InboxIcon />,
  contacts: () => <UsersIcon />,
  companies: () => <BuildingIcon />,
  deals: () => <BriefcaseIcon />,
  search: () => <SearchIcon />,
  reports: () => <ChartIcon />,
  sync: () => <SyncIcon />,
  settings: () => <SettingsIcon />,
};

const PRIMARY: PageId[] = ['timeline', 'contacts', 'companies', 'deals', 'search', 'reports'];
const SECONDARY: PageId[] = ['sync', 'settings'];

function NavLink({ page, current }: { page: PageId; current: boolean }): ReactElement {
  const Icon = ICONS[page];
  return (
    <li>
      {/* Real anchors: Tab reaches them, Enter follows them, and the hash drives the route. */}
      <a
        href={hrefFor(page)}
        className={current ? 'nav-link nav-link-current' : 'nav-link'}
        aria-current={current ? 'page' : undefined}
        data-testid={`nav-${page}`}
      >
        <Icon />
        <span>{PAGE_LABELS[page]}</span>
      </a>
    </li>
  );
}

export function Sidebar({ page }: { page: PageId }): ReactElement {
  return (
    <aside className="sidebar">
      <div className="sidebar-brand">
        <Logo size={26} withName />
      </div>
      <nav className="sidebar-nav" aria-label="Main">
        <ul className="nav-list">
          {PRIMARY.map((id) => (
            <NavLink key={id} page={id} current={id === page} />
          ))}
        </ul>
        <ul className="nav-list nav-list-bottom">
          {SECONDARY.map((id) => (
            <NavLink key={id} page={id} current={id === page} />
          ))}
        </ul>
      </nav>
    </aside>
  );
}
