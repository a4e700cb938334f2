import { useId, useRef, type ReactElement, type ReactNode } from 'react';
import { Modal } from './Modal.js';

/** Asks before an action that cannot be undone. */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger = false,
  testId = 'confirm-dialog',
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  testId?: string;
  onConfirm: () => void;
  onCancel: () => void;
}): ReactElement {
  const cancelButton = useRef<HTMLButtonElement>(null);
  const titleId = useId();

  return (
    // Focus starts on Cancel: Enter must not confirm an irreversible action by accident.
    <Modal open={open} labelledBy={titleId} onDismiss={onCancel} initialFocus={cancelButton} testId={testId}>
      <h2 className="dialog-title" id={titleId}>
        {title}
      </h2>
      <div className="dialog-content">{children}</div>
      <div className="dialog-actions">
        <button
          type="button"
          className="btn btn-secondary"
          ref={cancelButton}
          onClick={onCancel}
          data-testid="confirm-cancel"
        >
          Cancel
        </button>
        <button
          type="button"
          className={danger ? 'btn btn-danger' : 'btn btn-primary'}
          onClick={onConfirm}
          data-testid="confirm-accept"
        >
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
