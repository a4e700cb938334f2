import { useMemo, type ReactElement } from 'react';
import { qrPath } from '../lib/qr-path.js';

/**
 * A QR code drawn as SVG, black on white whatever the theme (scanners want the contrast), sized by
 * CSS (.qr-code); crisp edges so the modules stay square when scaled.
 */
export function QrCode({ text, label, testId }: { text: string; label: string; testId?: string }): ReactElement {
  const { size, path } = useMemo(() => qrPath(text), [text]);
  return (
    <svg
      className="qr-code"
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
      data-testid={testId}
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
