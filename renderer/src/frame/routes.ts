export const PAGES = ['timeline', 'contacts', 'companies', 'deals', 'search', 'reports', 'sync', 'settings'] as const;
export type PageId = (typeof PAGES)[number];

export const DEFAULT_PAGE: PageId = 'timeline';

export const PAGE_LABELS: Record<PageId, string> = {
  timeline: 'Timeline',
  contacts: 'Contacts',
  companies: 'Companies',
  deals: 'Deals',
  search: 'Search',
  reports: 'Reports',
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

/** A contact's or a company's own page: '#/contacts/12', '#/companies/3'. */
export type RecordRoute = { type: 'contact' | 'company'; id: number };

export function recordHref(type: RecordRoute['type'], id: number): string {
  return `${hrefFor(type === 'contact' ? 'contacts' : 'companies')}/${id}`;
}

/** '#/contacts/12' -> { type: 'contact', id: 12 }; a list page or anything else -> null. */
export function recordFromHash(hash: string): RecordRoute | null {
  const match = /^#\/(contacts|companies)\/(\d{1,15})(?:[/?]|$)/.exec(hash);
  if (!match) return null;
  const id = Number(match[2]);
  if (!Number.isSafeInteger(id) || id < 1) return null;
  return { type: match[1] === 'contacts' ? 'contact' : 'company', id };
}

/** What the edit form of a mail account opens on: the password, or the certificate under Advanced. */
export type AccountFix = 'password' | 'certificate';

/** Settings with the edit form of one mail account open: '#/settings?edit=<id>[&fix=password]'. */
export function editAccountHref(accountId: string, fix?: AccountFix): string {
  const params = new URLSearchParams({ edit: accountId });
  if (fix) params.set('fix', fix);
  return `${hrefFor('settings')}?${params.toString()}`;
}

/** A parameter after the '?' of a hash: ('#/settings?edit=a1', 'edit') -> 'a1'; missing -> null. */
export function hashParam(hash: string, name: string): string | null {
  const query = hash.indexOf('?');
  return query === -1 ? null : new URLSearchParams(hash.slice(query + 1)).get(name);
}

export function accountFixFrom(value: string | null): AccountFix | null {
  return value === 'password' || value === 'certificate' ? value : null;
}
