import { useSyncExternalStore, type MouseEvent } from 'react';

/**
 * Real paths under /admin/ (the server answers index.html for all of them), driven by the History
 * API: links stay links (open in a new tab, copy), and Back/Forward work.
 */
export const BASE = '/admin';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  return () => window.removeEventListener('popstate', onChange);
}

/** The path below /admin, e.g. "/users" ("/" for /admin/). */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => {
    const path = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : '/';
    return path === '' ? '/' : path;
  });
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const url = `${BASE}${path}`;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** For an <a href>: a plain left click stays in the app; modified clicks keep the browser's meaning. */
export function followLink(event: MouseEvent<HTMLAnchorElement>, path: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(path);
}
