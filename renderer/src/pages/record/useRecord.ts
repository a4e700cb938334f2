import { useCallback, useEffect, useState } from 'react';
import type { AppErrorShape } from '../../../../common/errors.js';
import type { Result } from '../../../../common/result.js';

export type RecordLoad<T> =
  | { status: 'loading' }
  | { status: 'not-found' }
  | { status: 'error'; error: AppErrorShape }
  | { status: 'loaded'; value: T };

/**
 * One record read by id: loading, not found (its own state: a link to a deleted or merged record
 * is not an error to retry), error, or loaded; `replace` takes the answer of an edit.
 */
export function useRecord<T>(read: () => Promise<Result<T>>): {
  load: RecordLoad<T>;
  reload: () => void;
  replace: (value: T) => void;
} {
  const [load, setLoad] = useState<RecordLoad<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    void read().then((result) => {
      if (!live) return;
      if (result.ok) setLoad({ status: 'loaded', value: result.value });
      else if (result.error.code === 'NOT_FOUND') setLoad({ status: 'not-found' });
      else setLoad({ status: 'error', error: result.error });
    });
    return () => {
      live = false;
    };
  }, [read, attempt]);

  const reload = useCallback(() => {
    setLoad({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);
  const replace = useCallback((value: T) => setLoad({ status: 'loaded', value }), []);
  return { load, reload, replace };
}
