import { useEffect, useSyncExternalStore } from 'react';
import { DEFAULT_PAGE, hashParam, hrefFor, pageFromHash, type PageId } from '../frame/routes.js';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

function snapshot(): string {
  return window.location.hash;
}

/**
 * Hash routing: it works the same from file:// in Electron and from the browser-mode host,
 * and nav entries stay real links (middle-click and keyboard behave as users expect).
 */
export function useHashRoute(): PageId {
  const hash = useSyncExternalStore(subscribe, snapshot);
  const page = pageFromHash(hash);

  useEffect(() => {
    // Unknown or empty hashes land on the default page; replace keeps Back from looping here.
    if (page === null) window.history.replaceState(null, '', hrefFor(DEFAULT_PAGE));
  }, [page]);

  return page ?? DEFAULT_PAGE;
}

/**
 * A parameter of the current page's hash ('#/settings?edit=<id>'), kept in step with navigation:
 * state that a link from another page opens, and that Back closes again.
 */
export function useHashParam(name: string): string | null {
  return hashParam(useSyncExternalStore(subscribe, snapshot), name);
}
