import type { ReactElement } from 'react';

/** A small busy ring; the label is for screen readers. */
export function Spinner({ label = 'Loading' }: { label?: string }): ReactElement {
  return (
    <span className="spinner" role="status">
      <span className="spinner-ring" aria-hidden="true" />
      <span className="sr-only">{label}</span>
    </span>
  );
}
