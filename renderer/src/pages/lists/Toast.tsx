import type { ReactElement } from 'react';
import { AlertIcon, CheckIcon } from '../../../../ui/icons.js';
import type { MergeActions } from './useMerge.js';

/** The result of the last merge or undo, with Undo right after a merge. Stays until dismissed or replaced. */
export function MergeToastView({ actions }: { actions: MergeActions }): ReactElement | null {
  const { toast, busy, dismiss, undo } = actions;
  if (!toast) return null;
  return (
    <div
      className={`toast toast-${toast.tone}`}
      role={toast.tone === 'error' ? 'alert' : 'status'}
      data-testid="merge-toast"
    >
      <span className="toast-icon" aria-hidden="true">
        {toast.tone === 'success' ? <CheckIcon size={16} /> : <AlertIcon size={16} />}
      </span>
      <span className="toast-message">{toast.message}</span>
      {toast.mergeId !== null ? (
        <button
          type="button"
          className="btn btn-secondary btn-small"
          disabled={busy}
          onClick={() => void undo(toast.mergeId!)}
          data-testid="merge-undo"
        >
          Undo
        </button>
      ) : null}
      <button type="button" className="toast-close" onClick={dismiss} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
