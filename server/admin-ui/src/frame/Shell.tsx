import { useEffect, useRef, type ReactElement } from 'react';
import type { AccountSessionView } from '../../../../common/api/server-admin-accounts.js';
import { KeyIcon, ListIcon, LogInIcon, LogOutIcon, SettingsIcon, TeamIcon, UsersIcon } from '../components/icons.js';
import { Logo } from '../components/Logo.js';
import { followLink, BASE } from '../lib/router.js';
import { AuditPage } from '../pages/audit/AuditPage.js';
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
  const current = pageOf(path);
  const label = PAGES.find((page) => page.id === current)?.label ?? '';
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
            {PAGES.map((page) => {
              const Icon = ICONS[page.id];
              const on = page.id === current;
              return (
                <li key={page.id}>
                  <a
                    href={`${BASE}${page.path}`}
                    className={on ? 'nav-link nav-link-current' : 'nav-link'}
                    aria-current={on ? 'page' : undefined}
                    onClick={(event) => followLink(event, page.path)}
                    data-testid={`nav-${page.id}`}
                  >
                    <Icon />
                    <span>{page.label}</span>
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
          {current === 'users' ? <UsersPage selfId={account.user.id} /> : null}
          {current === 'teams' ? <TeamsPage /> : null}
          {current === 'roles' ? <RolesPage path={path} /> : null}
          {current === 'audit' ? <AuditPage /> : null}
          {current === 'sso' ? <SsoPage /> : null}
          {current === 'settings' ? <SettingsPage account={account} onAccountChanged={onAccountChanged} /> : null}
        </main>
      </div>
    </div>
  );
}
