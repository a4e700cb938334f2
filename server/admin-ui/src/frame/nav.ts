import type { Abilities } from '../lib/access.js';

/** The admin pages, in navigation order. One row per page, with who sees it in the navigation. */
export type PageId = 'users' | 'teams' | 'roles' | 'grants' | 'audit' | 'sso' | 'settings';

export type PageEntry = { id: PageId; path: string; label: string; visible: (abilities: Abilities) => boolean };

export const PAGES: readonly PageEntry[] = [
  { id: 'users', path: '/users', label: 'Users', visible: (a) => a.seeDirectory },
  { id: 'teams', path: '/teams', label: 'Teams', visible: (a) => a.seeDirectory },
  { id: 'roles', path: '/roles', label: 'Roles', visible: (a) => a.seeDirectory },
  { id: 'grants', path: '/access-requests', label: 'Access requests', visible: (a) => a.reviewGrants },
  { id: 'audit', path: '/audit', label: 'Audit log', visible: (a) => a.seeWorkspace },
  { id: 'sso', path: '/sso', label: 'Single sign-on', visible: (a) => a.seeWorkspace },
  // Everyone's own 2FA lives here, whatever else they may see.
  { id: 'settings', path: '/settings', label: 'Settings', visible: () => true },
];

/**
 * The page of a path ("/roles/<id>" belongs to Roles), even one the user may not see (the page then
 * says so). The root and unknown paths show the first page the user sees.
 */
export function pageOf(path: string, abilities: Abilities): PageEntry {
  const found = PAGES.find((page) => path === page.path || path.startsWith(`${page.path}/`));
  return found ?? PAGES.find((page) => page.visible(abilities)) ?? PAGES[PAGES.length - 1]!;
}
