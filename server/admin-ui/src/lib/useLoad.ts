import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppErrorShape } from '../../../../common/errors.js';
import type { Result } from '../../../../common/result.js';

export type Loaded<T> = { state: 'loading' } | { state: 'error'; error: AppErrorShape } | { state: 'ready'; value: T };

/**
 * Runs a read when the page opens, again when `key` changes (what the read depends on, e.g. a user
 * id) and on `reload`. An answer is kept with the key it was for, so a stale one is never shown for
 * a new key (it reads as loading), and one that comes after unmount is dropped.
 */
export function useLoad<T>(load: () => Promise<Result<T>>, key = ''): [Loaded<T>, () => void] {
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  }, [load]);
  const [round, setRound] = useState(0);
  const [answer, setAnswer] = useState<{ key: string; loaded: Loaded<T> }>({ key, loaded: { state: 'loading' } });

  useEffect(() => {
    let live = true;
    void loadRef.current().then((result) => {
      if (!live) return;
      setAnswer({
        key,
        loaded: result.ok ? { state: 'ready', value: result.value } : { state: 'error', error: result.error },
      });
    });
    return () => {
      live = false;
    };
  }, [key, round]);

  const reload = useCallback(() => setRound((n) => n + 1), []);
  return [answer.key === key ? answer.loaded : { state: 'loading' }, reload];
}
