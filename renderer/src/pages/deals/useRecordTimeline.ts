import { useCallback, useEffect, useState } from 'react';
import type { RecordRef, TimelineItem } from '../../../../common/domain/timeline.js';
import { call } from '../../api/call.js';

/** A record's timeline, a page at a time (timeline.forRecord), reloaded from the top on demand. */
export function useRecordTimeline(record: RecordRef): {
  items: TimelineItem[];
  loading: boolean;
  error: string | null;
  more: (() => void) | null;
  reload: () => void;
} {
  const [items, setItems] = useState<TimelineItem[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const { type, id } = record;

  useEffect(() => {
    let stale = false;
    void call('timeline.forRecord', { record: { type, id }, limit: 30 }).then((result) => {
      if (stale) return;
      setLoading(false);
      if (result.ok) {
        setItems(result.value.items);
        setNext(result.value.next);
        setError(null);
      } else setError(result.error.message);
    });
    return () => {
      stale = true;
    };
  }, [type, id, generation]);

  const more = useCallback(() => {
    if (!next) return;
    setLoading(true);
    void call('timeline.forRecord', { record: { type, id }, cursor: next, limit: 30 }).then((result) => {
      setLoading(false);
      if (result.ok) {
        setItems((current) => [...current, ...result.value.items]);
        setNext(result.value.next);
      } else setError(result.error.message);
    });
  }, [type, id, next]);

  return {
    items,
    loading,
    error,
    more: next ? more : null,
    reload: () => {
      setLoading(true);
      setGeneration((g) => g + 1);
    },
  };
}
