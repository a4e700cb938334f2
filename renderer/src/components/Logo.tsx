import type { ReactElement } from 'react';

/** The brand mark: an accent tile with two interlocking arcs (a conversation between two people). */
export function Logo({ size = 28, withName = false }: { size?: number; withName?: boolean }): ReactElement {
  return (
    <span className="logo">
      <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="8" className="logo-tile" />
        <path d="M19.5 10.2a7 7 0 1 0 0 11.6" className="logo-stroke" />
        <path d="M15 12.6a4 4 0 1 1 0 6.8" className="logo-stroke logo-stroke-soft" />
      </svg>
      {withName ? <span className="logo-name">Clientele</span> : null}
    </span>
  );
}
