import { useId, type ReactElement } from 'react';

/**
 * The brand mark, drawn like assets/icon.svg (blue-to-teal tile, white "C", amber dot) at 1/16
 * scale. Inline so it needs no image request under the CSP and stays crisp at any size.
 */
export function Logo({ size = 28, withName = false }: { size?: number; withName?: boolean }): ReactElement {
  // Gradient ids are document-global: each instance needs its own.
  const gradientId = useId();
  return (
    <span className="logo">
      <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <defs>
          <linearGradient id={gradientId} x1="0" y1="0" x2="1" y2="1">
            <stop offset="0" stopColor="#1e3a8a" />
            <stop offset="1" stopColor="#0f766e" />
          </linearGradient>
        </defs>
        <rect x="1" y="1" width="30" height="30" rx="6.75" fill={`url(#${gradientId})`} />
        <path
          d="M22.04 10.56A8.125 8.125 0 1 0 22.04 21.44"
          fill="none"
          stroke="#ffffff"
          strokeWidth="3.5"
          strokeLinecap="round"
        />
        <circle cx="24.125" cy="16" r="2.125" fill="#f59e0b" />
      </svg>
      {withName ? <span className="logo-name">Clientele</span> : null}
    </span>
  );
}
