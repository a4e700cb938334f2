import { useCallback, useEffect, useRef, useState } from 'react';
import type { RecordHit } from '../../../../common/domain/records.js';
import type { SearchHit, SearchIndexing, SearchOrder } from '../../../../common/domain/search.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { call } from '../../api/call.js';

/** Wait this long after the last keystroke before asking: one request per pause, not per key. */
export const SEARCH_DEBOUNCE_MS = 150;
const PAGE = 25;
const RECORDS = 6;

/** The latest answer received: what it answers, and what was found. */
type Answer = {
  query: string;
  order: SearchOrder;
  records: RecordHit[];
  hits: SearchHit[];
  indexing: SearchIndexing | null;
  hasMore: boolean;
  /** Ranked over a very common word: the best of only the newest this-many matches. */
  rankedAmongNewest: number | null;
  error: AppErrorShape | null;
};

export type SearchState = {
  /** The query the results shown answer (it lags the input by the debounce and the request). */
  answered: string;
  /** idle: nothing typed; loading: no answer yet for anything typed; ready/error: an answer is shown. */
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** True while the answer shown is for an older query or order than the current one. */
  stale: boolean;
  records: RecordHit[];
  hits: SearchHit[];
  indexing: SearchIndexing | null;
  hasMore: boolean;
  rankedAmongNewest: number | null;
  loadingMore: boolean;
  error: AppErrorShape | null;
  loadMore: () => void;
};

/**
 * Results as the user types: debounced, and every answer is checked against the request that is
 * current when it arrives, so a slow answer to "ac" never replaces the answer to "acme".
 */
export function useSearch(query: string, order: SearchOrder): SearchState {
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const latest = useRef(0);
  const next = useRef<string | null>(null);
  const text = query.trim();

  useEffect(() => {
    const mine = ++latest.current;
    if (!text) return;
    const timer = window.setTimeout(() => {
      void Promise.all([
        call('search.messages', { query: text, order, limit: PAGE }),
        call('search.records', { query: text, limit: RECORDS }),
      ]).then(([messages, records]) => {
        if (mine !== latest.current) return;
        next.current = messages.ok ? messages.value.next : null;
        setLoadingMore(false);
        setAnswer({
          query: text,
          order,
          // Record hits are a bonus above the mail: a role that may not see contacts still searches mail.
          records: records.ok ? records.value.hits : [],
          hits: messages.ok ? messages.value.hits : [],
          indexing: messages.ok ? messages.value.indexing : null,
          hasMore: messages.ok && messages.value.next !== null,
          rankedAmongNewest: (messages.ok ? messages.value.rankedAmongNewest : undefined) ?? null,
          error: messages.ok ? null : messages.error,
        });
      });
    }, SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text, order]);

  const loadMore = useCallback(() => {
    const cursor = next.current;
    if (cursor === null || !answer) return;
    next.current = null;
    const mine = latest.current;
    const { query: asked, order: askedOrder } = answer;
    setLoadingMore(true);
    void call('search.messages', { query: asked, order: askedOrder, limit: PAGE, cursor }).then((result) => {
      if (mine !== latest.current) return;
      setLoadingMore(false);
      if (!result.ok) {
        next.current = cursor;
        setAnswer((previous) => previous && { ...previous, error: result.error });
        return;
      }
      next.current = result.value.next;
      setAnswer((previous) => {
        if (!previous) return previous;
        const seen = new Set(previous.hits.map((hit) => hit.messageId));
        return {
          ...previous,
          hits: [...previous.hits, ...result.value.hits.filter((hit) => !seen.has(hit.messageId))],
          hasMore: result.value.next !== null,
          indexing: result.value.indexing,
          error: null,
        };
      });
    });
  }, [answer]);

  if (!text || !answer) {
    return {
      answered: '',
      status: text ? 'loading' : 'idle',
      stale: Boolean(text),
      records: [],
      hits: [],
      indexing: null,
      hasMore: false,
      rankedAmongNewest: null,
      loadingMore: false,
      error: null,
      loadMore,
    };
  }
  return {
    answered: answer.query,
    status: answer.error && answer.hits.length === 0 ? 'error' : 'ready',
    stale: answer.query !== text || answer.order !== order,
    records: answer.records,
    hits: answer.hits,
    indexing: answer.indexing,
    hasMore: answer.hasMore,
    rankedAmongNewest: answer.rankedAmongNewest,
    loadingMore,
    error: answer.error,
    loadMore,
  };
}
