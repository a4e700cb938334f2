import type { ReactElement } from 'react';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { EmptyState } from '../../../../ui/EmptyState.js';
import { UsersIcon } from '../../../../ui/icons.js';
import { Spinner } from '../../../../ui/Spinner.js';

export function RecordLoading({ label }: { label: string }): ReactElement {
  return (
    <div className="page" data-testid="record-loading">
      <div className="card card-loading">
        <Spinner label={label} />
      </div>
    </div>
  );
}

export function RecordNotFound({ what, listHref }: { what: string; listHref: string }): ReactElement {
  return (
    <div className="page" data-testid="record-not-found">
      <EmptyState icon={<UsersIcon size={24} />} title={`This ${what} does not exist`}>
        <p>It may have been merged into another {what} or deleted.</p>
        <a className="btn btn-secondary empty-state-action" href={listHref}>
          Back to the list
        </a>
      </EmptyState>
    </div>
  );
}

export function RecordError({
  what,
  error,
  onRetry,
}: {
  what: string;
  error: AppErrorShape;
  onRetry: () => void;
}): ReactElement {
  return (
    <div className="page" data-testid="record-error">
      <Alert tone="error" title={`The ${what} could not be loaded`}>
        <p>{error.message}</p>
        <button type="button" className="btn btn-secondary btn-small" onClick={onRetry}>
          Retry
        </button>
      </Alert>
    </div>
  );
}
