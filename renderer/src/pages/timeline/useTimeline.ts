import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppErrorShape } from '../../../../common/errors.js';
import type { MessageSummary } from '../../../../common/domain/messages.js';
import { call } from '../../api/call.js';
import { useAppEvent } from '../../hooks/useAppEvent.js';

export const TIMELINE_PAGE_SIZE = 100;

export type Timeline = {
  status: 'loading' | 'error' | 'ready';
  items: MessageSummary[];
  /** Live messages in the store (all pages). */
  total: number;
  /** True while older pages remain to be loaded. */
  hasMore: boolean;
  loadingMore: boolean;
  error: AppErrorShape | null;
  /** Loads the next (older) page, once at a time. */
  loadMore: () => void;
  retry: () => void;
};

/**
 * The timeline's rows: keyset pages loaded as the list scrolls, and the first page read again on
 * each sync.changed event (no polling): new mail is merged on top, changed rows are replaced.
 */
export function useTimeline(): Timeline {
  const [items, setItems] = useState<MessageSummary[]>([]);
  const [total, setTotal] = useState(0);
  const [status, setStatus] = useState<Timeline['status']>('loading');
  const [error, setError] = useState<AppErrorShape | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const next = useRef<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const busy = useRef(false);
  const refreshQueued = useRef(false);
  const generation = useRef(0);

  // One request at a time; events arriving meanwhile are folded into one more read afterwards.
  const readFirstPage = useCallback(async (): Promise<void> => {
    const mine = ++generation.current;
    const result = await call('mail.list', { limit: TIMELINE_PAGE_SIZE });
    if (mine !== generation.current) return;
    if (!result.ok) {
      setError(result.error);
      setStatus((previous) => (previous === 'ready' ? 'ready' : 'error'));
      return;
    }
    const page = result.value;
    setError(null);
    setTotal(page.total);
    setItems((previous) => {
      // Only the first page was read: keep the older rows already loaded below it.
      if (previous.length <= page.items.length || page.next === null) {
        next.current = page.next;
        setHasMore(page.next !== null);
        return page.items;
      }
      const fresh = new Set(page.items.map((item) => item.id));
      const last = page.items.at(-1);
      const older = previous.filter((item) => !fresh.has(item.id) && last !== undefined && isOlder(item, last));
      return [...page.items, ...older];
    });
    setStatus('ready');
  }, []);

  const loadFirst = useCallback(async (): Promise<void> => {
    if (busy.current) {
      refreshQueued.current = true;
      return;
    }
    busy.current = true;
    do {
      refreshQueued.current = false;
      await readFirstPage();
    } while (refreshQueued.current);
    busy.current = false;
  }, [readFirstPage]);

  const loadMore = useCallback((): void => {
    const cursor = next.current;
    if (busy.current || cursor === null) return;
    busy.current = true;
    setLoadingMore(true);
    const mine = generation.current;
    void call('mail.list', { limit: TIMELINE_PAGE_SIZE, cursor }).then(async (result) => {
      busy.current = false;
      setLoadingMore(false);
      if (mine !== generation.current) return;
      if (!result.ok) {
        setError(result.error);
      } else {
        setError(null);
        next.current = result.value.next;
        setHasMore(result.value.next !== null);
        setTotal(result.value.total);
        const seen = new Set<number>();
        setItems((previous) => {
          for (const item of previous) seen.add(item.id);
          return [...previous, ...result.value.items.filter((item) => !seen.has(item.id))];
        });
      }
      if (refreshQueued.current) await loadFirst();
    });
  }, [loadFirst]);

  useEffect(() => {
    void loadFirst();
  }, [loadFirst]);

  const refresh = useCallback(() => void loadFirst(), [loadFirst]);
  useAppEvent('sync.changed', refresh);

  const retry = useCallback(() => {
    setStatus((previous) => (previous === 'error' ? 'loading' : previous));
    void loadFirst();
  }, [loadFirst]);

  return { status, items, total, hasMore, loadingMore, error, loadMore, retry };
}

function isOlder(item: MessageSummary, than: MessageSummary): boolean {
  return item.date < than.date || (item.date === than.date && item.id < than.id);
}
