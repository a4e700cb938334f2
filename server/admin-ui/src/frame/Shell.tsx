import { useEffect, useRef, type ReactElement } from 'react';
import type { AccountSessionView } from '../../../../common/api/server-admin-accounts.js';
import { Alert } from '../../../../ui/Alert.js';
import { InboxIcon, KeyIcon, SettingsIcon, UsersIcon } from '../../../../ui/icons.js';
import { Logo } from '../../../../ui/Logo.js';
import { ListIcon, LogInIcon, LogOutIcon, TeamIcon } from '../components/icons.js';
import { useAbilities } from '../lib/access.js';
import { followLink, BASE } from '../lib/router.js';
import { AuditPage } from '../pages/audit/AuditPage.js';
import { GrantsPage } from '../pages/grants/GrantsPage.js';
import { RolesPage } from '../pages/roles/RolesPage.js';
import { SettingsPage } from '../pages/settings/SettingsPage.js';
import { SsoPage } from '../pages/sso/SsoPage.js';
import { TeamsPage } from '../pages/teams/TeamsPage.js';
import { UsersPage } from '../pages/users/UsersPage.js';
import { pageOf, PAGES, type PageId } from './nav.js';

const ICONS: Record<PageId, () => ReactElement> = {
  users: () => <UsersIcon />,
  teams: () => <TeamIcon />,
  roles: () => <KeyIcon />,
  grants: () => <InboxIcon />,
  audit: () => <ListIcon />,
  sso: () => <LogInIcon />,
  settings: () => <SettingsIcon />,
};

/** The signed-in admin's frame: navigation on the left, the page's title and the account on top. */
export function Shell({
  path,
  account,
  onSignOut,
  onAccountChanged,
}: {
  path: string;
  account: AccountSessionView;
  onSignOut: () => Promise<void>;
  onAccountChanged: () => void;
}): ReactElement {
  const abilities = useAbilities();
  const page = pageOf(path, abilities);
  const current = page.id;
  const label = page.label;
  const title = useRef<HTMLHeadingElement>(null);

  // After a navigation, focus moves to the new page's title (a screen reader hears where it is).
  const first = useRef(true);
  useEffect(() => {
    document.title = `${label} · Clientele admin`;
    if (first.current) {
      first.current = false;
      return;
    }
    title.current?.focus();
  }, [label]);

  return (
    <div className="frame">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="sidebar-brand">
          <Logo size={26} withName />
          <span className="brand-tag">Admin</span>
        </div>
        <nav className="sidebar-nav" aria-label="Admin">
          <ul className="nav-list">
            {PAGES.filter((entry) => entry.visible(abilities)).map((entry) => {
              const Icon = ICONS[entry.id];
              const on = entry.id === current;
              return (
                <li key={entry.id}>
                  <a
                    href={`${BASE}${entry.path}`}
                    className={on ? 'nav-link nav-link-current' : 'nav-link'}
                    aria-current={on ? 'page' : undefined}
                    onClick={(event) => followLink(event, entry.path)}
                    data-testid={`nav-${entry.id}`}
                  >
                    <Icon />
                    <span>{entry.label}</span>
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
      </aside>
      <div className="frame-main">
        <header className="topbar">
          <h1 className="topbar-title" tabIndex={-1} ref={title}>
            {label}
          </h1>
          <div className="account-chip">
            <span className="account-email" title={account.user.email} data-testid="signed-in-as">
              {account.user.email}
            </span>
            <button
              type="button"
              className="btn btn-secondary btn-small"
              onClick={() => void onSignOut()}
              data-testid="sign-out"
            >
              <LogOutIcon size={16} />
              Sign out
            </button>
          </div>
        </header>
        <main className="content" id="main">
          {!page.visible(abilities) ? (
            <div className="page page-narrow">
              <Alert tone="warning" title="Not for your roles" testId="page-not-allowed">
                <p>Your roles don&apos;t let you open {label}. Ask an administrator if you need it.</p>
              </Alert>
            </div>
          ) : null}
          {page.visible(abilities) ? (
            <CurrentPage id={current} path={path} account={account} onAccountChanged={onAccountChanged} />
          ) : null}
        </main>
      </div>
    </div>
  );
}

function CurrentPage({
  id,
  path,
  account,
  onAccountChanged,
}: {
  id: PageId;
  path: string;
  account: AccountSessionView;
  onAccountChanged: () => void;
}): ReactElement {
  switch (id) {
    case 'users':
      return <UsersPage selfId={account.user.id} />;
    case 'teams':
      return <TeamsPage />;
    case 'roles':
      return <RolesPage path={path} />;
    case 'grants':
      return <GrantsPage selfId={account.user.id} />;
    case 'audit':
      return <AuditPage />;
    case 'sso':
      return <SsoPage />;
    case 'settings':
      return <SettingsPage account={account} onAccountChanged={onAccountChanged} />;
  }
}
