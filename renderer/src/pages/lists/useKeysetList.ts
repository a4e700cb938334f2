import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppErrorShape } from '../../../../common/errors.js';
import type { Result } from '../../../../common/result.js';

export const LIST_PAGE_SIZE = 200;
/** Typing pauses this long before the list asks again: one request per word, not per key. */
export const SEARCH_DEBOUNCE_MS = 200;

export type Page<T> = { items: T[]; next: string | null };

export type KeysetList<T> = {
  status: 'loading' | 'error' | 'ready';
  items: T[];
  hasMore: boolean;
  /** True while a search's first page is on its way (the previous rows stay shown meanwhile). */
  searching: boolean;
  error: AppErrorShape | null;
  loadMore: () => void;
  /** Reads the first page again (after a merge or an import). */
  reload: () => void;
};

/**
 * A keyset-paged list with search as you type: the search is debounced, and every answer carries
 * the generation it was asked for, so an answer to an older search (or one that a reload replaced)
 * is dropped instead of overwriting newer rows.
 */
export function useKeysetList<T extends { id: number }>(
  fetchPage: (input: { search?: string; cursor?: string; limit: number }) => Promise<Result<Page<T>>>,
  search: string,
): KeysetList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [status, setStatus] = useState<KeysetList<T>['status']>('loading');
  const [error, setError] = useState<AppErrorShape | null>(null);
  const [hasMore, setHasMore] = useState(false);
  // The search (and reload) the rows on screen answer: while it differs from the one asked, a search is on its way.
  const [answered, setAnswered] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const generation = useRef(0);
  const next = useRef<string | null>(null);
  const loadingMore = useRef(false);
  const term = useRef<string | null>(null);
  const fetcher = useRef(fetchPage);
  useEffect(() => {
    fetcher.current = fetchPage;
  }, [fetchPage]);

  useEffect(() => {
    const mine = ++generation.current;
    const trimmed = search.trim();
    // The first read and a reload go at once; a changed search waits for a pause in the typing.
    const delay = term.current !== null && term.current !== trimmed ? SEARCH_DEBOUNCE_MS : 0;
    term.current = trimmed;
    const timer = setTimeout(() => {
      void fetcher.current({ limit: LIST_PAGE_SIZE, ...(trimmed ? { search: trimmed } : {}) }).then((result) => {
        if (mine !== generation.current) return;
        setAnswered(`${reloads}:${trimmed}`);
        loadingMore.current = false;
        if (!result.ok) {
          setError(result.error);
          setStatus((previous) => (previous === 'ready' ? 'ready' : 'error'));
          return;
        }
        setError(null);
        next.current = result.value.next;
        setHasMore(result.value.next !== null);
        setItems(result.value.items);
        setStatus('ready');
      });
    }, delay);
    return () => clearTimeout(timer);
  }, [search, reloads]);

  const loadMore = useCallback(() => {
    const cursor = next.current;
    if (loadingMore.current || cursor === null) return;
    loadingMore.current = true;
    const mine = generation.current;
    const trimmed = term.current ?? '';
    void fetcher.current({ limit: LIST_PAGE_SIZE, cursor, ...(trimmed ? { search: trimmed } : {}) }).then((result) => {
      if (mine !== generation.current) return;
      loadingMore.current = false;
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setError(null);
      next.current = result.value.next;
      setHasMore(result.value.next !== null);
      setItems((previous) => {
        const seen = new Set(previous.map((item) => item.id));
        return [...previous, ...result.value.items.filter((item) => !seen.has(item.id))];
      });
    });
  }, []);

  const reload = useCallback(() => setReloads((count) => count + 1), []);

  const searching = answered !== `${reloads}:${search.trim()}`;
  return { status, items, hasMore, searching, error, loadMore, reload };
}
