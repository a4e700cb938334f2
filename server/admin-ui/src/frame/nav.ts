/** The admin pages, in navigation order. One row per page. */
export type PageId = 'users' | 'teams' | 'roles' | 'audit' | 'sso' | 'settings';

export const PAGES: readonly { id: PageId; path: string; label: string }[] = [
  { id: 'users', path: '/users', label: 'Users' },
  { id: 'teams', path: '/teams', label: 'Teams' },
  { id: 'roles', path: '/roles', label: 'Roles' },
  { id: 'audit', path: '/audit', label: 'Audit log' },
  { id: 'sso', path: '/sso', label: 'Single sign-on' },
  { id: 'settings', path: '/settings', label: 'Settings' },
];

/** The page of a path ("/roles/<id>" belongs to Roles); the root and unknown paths show Users. */
export function pageOf(path: string): PageId {
  const found = PAGES.find((page) => path === page.path || path.startsWith(`${page.path}/`));
  return found?.id ?? 'users';
}
