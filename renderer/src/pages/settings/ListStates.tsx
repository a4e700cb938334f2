import type { ReactElement, ReactNode } from 'react';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { Spinner } from '../../../../ui/Spinner.js';

/**
 * A settings card's list while it loads, when it could not be loaded (with Retry) and when it is
 * empty (`children` say so); the rows themselves are the caller's, shown once loaded.
 */
export function ListStates({
  list,
  empty,
  loadingLabel,
  errorTitle,
  errorTestId,
  emptyTestId,
  onRetry,
  children,
}: {
  list: { status: 'loading' } | { status: 'error'; error: AppErrorShape } | { status: 'loaded' };
  empty: boolean;
  loadingLabel: string;
  errorTitle: string;
  errorTestId: string;
  emptyTestId: string;
  onRetry: () => void;
  children: ReactNode;
}): ReactElement | null {
  switch (list.status) {
    case 'loading':
      return (
        <div className="account-list-loading">
          <Spinner label={loadingLabel} />
        </div>
      );
    case 'error':
      return (
        <Alert tone="error" title={errorTitle} testId={errorTestId}>
          <p>{list.error.message}</p>
          <button type="button" className="btn btn-secondary btn-small" onClick={onRetry}>
            Retry
          </button>
        </Alert>
      );
    case 'loaded':
      return empty ? (
        <p className="account-empty" data-testid={emptyTestId}>
          {children}
        </p>
      ) : null;
  }
}
