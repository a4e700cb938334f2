import { useEffect, useState, type ReactElement } from 'react';
import type { MergeKind, MergeRecord } from '../../../../common/domain/merge.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { EmptyState } from '../../../../ui/EmptyState.js';
import { UsersIcon } from '../../../../ui/icons.js';
import { Spinner } from '../../../../ui/Spinner.js';
import { call } from '../../api/call.js';
import { formatAbsolute } from '../../lib/format.js';
import { useCanCall } from '../../policy/PolicyProvider.js';
import { RECORD_CALLS, RECORD_WORDS } from './recordKinds.js';
import type { MergeActions } from './useMerge.js';

/** Past merges, newest first, each with Undo until it is undone (or can no longer be). */
export function MergeHistoryView({
  kind,
  version,
  actions,
}: {
  kind: MergeKind;
  version: number;
  actions: MergeActions;
}): ReactElement {
  const canUndo = useCanCall(RECORD_CALLS[kind].undoMerge);
  const [merges, setMerges] = useState<MergeRecord[] | null>(null);
  const [error, setError] = useState<AppErrorShape | null>(null);

  useEffect(() => {
    let live = true;
    void call(RECORD_CALLS[kind].history, { limit: 100 }).then((result) => {
      if (!live) return;
      if (result.ok) {
        setMerges(result.value);
        setError(null);
      } else {
        setError(result.error);
      }
    });
    return () => {
      live = false;
    };
  }, [kind, version]);

  if (error) {
    return (
      <Alert tone="error" title="The merge history could not be loaded">
        <p>{error.message}</p>
      </Alert>
    );
  }
  if (merges === null) {
    return (
      <div className="card card-loading">
        <Spinner label="Loading the merge history" />
      </div>
    );
  }
  if (merges.length === 0) {
    return (
      <EmptyState icon={<UsersIcon size={24} />} title="No merges yet" testId="history-empty">
        <p>Merged {RECORD_WORDS[kind].many} are listed here, and each merge can be undone.</p>
      </EmptyState>
    );
  }
  return (
    <ul className="plain-list card merge-history" data-testid="merge-history">
      {merges.map((merge) => (
        <li key={merge.mergeId} className="merge-history-row" data-testid="merge-history-row">
          <span className="merge-history-text">
            <span>
              <strong>{merge.sourceNames.join(', ')}</strong> merged into <strong>{merge.targetName}</strong>
            </span>
            <span className="merge-history-meta">
              <time dateTime={merge.mergedAt}>{formatAbsolute(merge.mergedAt)}</time>
              {merge.undoneAt ? ` · undone ${formatAbsolute(merge.undoneAt)}` : ''}
            </span>
          </span>
          {merge.undoneAt ? (
            <span className="badge badge-neutral">Undone</span>
          ) : !canUndo ? null : (
            <button
              type="button"
              className="btn btn-secondary btn-small"
              disabled={actions.busy}
              onClick={() => void actions.undo(merge.mergeId)}
              data-testid="history-undo"
            >
              Undo
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
