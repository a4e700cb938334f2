export const PAGES = ['timeline', 'contacts', 'companies', 'deals', 'search', 'sync', 'settings'] as const;
export type PageId = (typeof PAGES)[number];

export const DEFAULT_PAGE: PageId = 'timeline';

export const PAGE_LABELS: Record<PageId, string> = {
  timeline: 'Timeline',
  contacts: 'Contacts',
  companies: 'Companies',
  deals: 'Deals',
  search: 'Search',
  sync: 'Sync',
  settings: 'Settings',
};

export function hrefFor(page: PageId): string {
  return `#/${page}`;
}

/** '#/contacts' -> 'contacts'; anything else (including '' and '#/') -> null. */
export function pageFromHash(hash: string): PageId | null {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (PAGES as readonly string[]).includes(name) ? (name as PageId) : null;
}
