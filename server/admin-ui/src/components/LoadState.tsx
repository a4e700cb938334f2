import type { ReactElement, ReactNode } from 'react';
import { Alert } from '../../../../ui/Alert.js';
import { Spinner } from '../../../../ui/Spinner.js';
import type { Loaded } from '../lib/useLoad.js';

/** A read's loading and error states, so each page renders only its data. */
export function LoadState<T>({
  loaded,
  children,
}: {
  loaded: Loaded<T>;
  children: (value: T) => ReactNode;
}): ReactElement {
  if (loaded.state === 'loading') {
    return (
      <div className="card-loading">
        <Spinner label="Loading" />
      </div>
    );
  }
  if (loaded.state === 'error') return <Alert tone="error">{loaded.error.message}</Alert>;
  return <>{children(loaded.value)}</>;
}
