import { useEffect, useRef, type ReactElement, type ReactNode, type RefObject } from 'react';

/**
 * A modal on the native <dialog>: the browser traps focus, makes the rest of the page inert and
 * maps Escape to "cancel", which no hand-rolled overlay gets fully right. React state stays the
 * single source of truth for whether it is open.
 */
export function Modal({
  open,
  labelledBy,
  onDismiss,
  initialFocus,
  testId,
  children,
}: {
  open: boolean;
  labelledBy: string;
  /** Escape and backdrop clicks call this; without it the modal can only be left from inside. */
  onDismiss?: () => void;
  initialFocus?: RefObject<HTMLElement | null>;
  testId?: string;
  children: ReactNode;
}): ReactElement {
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      element.showModal();
      initialFocus?.current?.focus();
    } else if (!open && element.open) {
      element.close();
    }
  }, [open, initialFocus]);

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={labelledBy}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        onDismiss?.();
      }}
      onClick={(event) => {
        // A click on the backdrop targets the <dialog> itself; clicks inside hit its children.
        if (event.target === event.currentTarget) onDismiss?.();
      }}
    >
      {open ? <div className="dialog-body">{children}</div> : null}
    </dialog>
  );
}
