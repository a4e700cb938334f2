import { useCallback, useEffect, useRef, useState } from 'react';
import type { RecordRef, TimelineItem } from '../../../../common/domain/timeline.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { call } from '../../api/call.js';
import { useAppEvent } from '../../hooks/useAppEvent.js';

export const RECORD_TIMELINE_PAGE = 30;

export type RecordTimeline = {
  status: 'loading' | 'error' | 'ready';
  items: TimelineItem[];
  hasMore: boolean;
  loadingMore: boolean;
  error: AppErrorShape | null;
  loadMore: () => void;
  /** Reads the first page again (after a note or task was added, or new mail was synced). */
  refresh: () => void;
};

/**
 * A record's timeline, newest first, in keyset pages: the first page on mount and on refresh, the
 * next ones as the list scrolls. A refresh replaces everything (older pages load again on scroll),
 * and an answer that arrives after a newer request started is dropped.
 */
export function useRecordTimeline(record: RecordRef): RecordTimeline {
  const { type, id } = record;
  const [items, setItems] = useState<TimelineItem[]>([]);
  const [status, setStatus] = useState<RecordTimeline['status']>('loading');
  const [error, setError] = useState<AppErrorShape | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [next, setNext] = useState<string | null>(null);
  const generation = useRef(0);
  const fetchingMore = useRef(false);

  const readFirst = useCallback(
    (keepOlder: boolean) => {
      const mine = ++generation.current;
      fetchingMore.current = false;
      void call('timeline.forRecord', { record: { type, id }, limit: RECORD_TIMELINE_PAGE }).then((result) => {
        if (mine !== generation.current) return;
        // A page being loaded when this read started was dropped (its answer is stale).
        setLoadingMore(false);
        if (!result.ok) {
          setError(result.error);
          setStatus((previous) => (previous === 'ready' ? 'ready' : 'error'));
          return;
        }
        setError(null);
        const page = result.value;
        setItems((previous) => {
          const last = page.items.at(-1);
          if (!keepOlder || page.next === null || last === undefined || previous.length <= page.items.length) {
            setNext(page.next);
            return page.items;
          }
          // New mail lands on top; the older pages already loaded (and the cursor after them) stay.
          const fresh = new Set(page.items.map((item) => item.key));
          return [...page.items, ...previous.filter((item) => !fresh.has(item.key) && item.at <= last.at)];
        });
        setStatus('ready');
      });
    },
    [type, id],
  );
  const refresh = useCallback(() => readFirst(false), [readFirst]);
  const onSync = useCallback(() => readFirst(true), [readFirst]);

  const loadMore = useCallback(() => {
    if (next === null || fetchingMore.current) return;
    fetchingMore.current = true;
    setLoadingMore(true);
    const mine = generation.current;
    void call('timeline.forRecord', { record: { type, id }, cursor: next, limit: RECORD_TIMELINE_PAGE }).then(
      (result) => {
        if (mine !== generation.current) return;
        fetchingMore.current = false;
        setLoadingMore(false);
        if (!result.ok) {
          setError(result.error);
          return;
        }
        setError(null);
        setNext(result.value.next);
        setItems((previous) => {
          const seen = new Set(previous.map((item) => item.key));
          return [...previous, ...result.value.items.filter((item) => !seen.has(item.key))];
        });
      },
    );
  }, [type, id, next]);

  useEffect(() => refresh(), [refresh]);
  useAppEvent('sync.changed', onSync);

  return { status, items, hasMore: next !== null, loadingMore, error, loadMore, refresh };
}
