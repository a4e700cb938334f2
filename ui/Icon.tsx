import type { ReactElement, ReactNode } from 'react';

/**
 * The frame of every icon: stroke style on a 24-unit grid. Inline SVG needs no image request and
 * passes both pages' strict CSP; currentColor lets CSS pick the colour. Hidden from assistive
 * technology: the text beside an icon says what it means.
 */
export function Icon({ children, size = 18 }: { children: ReactNode; size?: number }): ReactElement {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export type IconProps = { size?: number };
