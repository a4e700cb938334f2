import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppErrorShape } from '../../../common/errors.js';
import type { Result } from '../../../common/result.js';

export type PollState<T> = {
  /** The last good answer; kept while a later poll fails, so the page does not blank out. */
  value: T | null;
  /** The last poll's failure, cleared by the next success. */
  error: AppErrorShape | null;
};

/**
 * Calls `load` every `intervalMs` while the page is visible. The next call is scheduled only once
 * the previous one answered, so a slow core never has requests piling up; hiding the window (or
 * unmounting) stops the loop, and showing it again polls at once.
 */
export function usePoll<T>(
  load: () => Promise<Result<T>>,
  intervalMs: number,
): PollState<T> & { loaded: boolean; refresh: () => void } {
  const [state, setState] = useState<PollState<T> & { loaded: boolean }>({ value: null, error: null, loaded: false });
  const refreshRef = useRef<() => void>(() => undefined);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  }, [load]);

  useEffect(() => {
    let stopped = false;
    let inFlight = false;
    let again = false;
    let timer: number | undefined;

    const schedule = (): void => {
      window.clearTimeout(timer);
      if (!stopped && document.visibilityState === 'visible') timer = window.setTimeout(() => void tick(), intervalMs);
    };

    const tick = async (): Promise<void> => {
      if (stopped) return;
      if (inFlight) {
        // A refresh asked for while a poll runs: one more poll right after it, not a second request now.
        again = true;
        return;
      }
      window.clearTimeout(timer);
      inFlight = true;
      const result = await loadRef.current();
      inFlight = false;
      if (stopped) return;
      setState((previous) =>
        result.ok
          ? { value: result.value, error: null, loaded: true }
          : { value: previous.value, error: result.error, loaded: true },
      );
      if (again) {
        again = false;
        void tick();
      } else {
        schedule();
      }
    };

    const onVisibility = (): void => {
      if (document.visibilityState === 'visible') void tick();
      else window.clearTimeout(timer);
    };

    refreshRef.current = () => void tick();
    document.addEventListener('visibilitychange', onVisibility);
    if (document.visibilityState === 'visible') void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
      refreshRef.current = () => undefined;
    };
  }, [intervalMs]);

  const refresh = useCallback(() => refreshRef.current(), []);
  return { ...state, refresh };
}
