import type { ReactElement } from 'react';

/**
 * A small busy ring. With a label it is a status that screen readers announce (the label is
 * visually hidden text, which live regions read out more reliably than aria-label); without one it
 * is decoration beside text that already says what is happening (e.g. inside a busy button).
 */
export function Spinner({ label }: { label?: string }): ReactElement {
  if (!label) {
    return (
      <span className="spinner">
        <span className="spinner-ring" aria-hidden="true" />
      </span>
    );
  }
  return (
    <span className="spinner" role="status">
      <span className="spinner-ring" aria-hidden="true" />
      <span className="sr-only">{label}</span>
    </span>
  );
}
