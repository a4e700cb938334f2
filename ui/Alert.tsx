import type { ReactElement, ReactNode } from 'react';
import { AlertIcon, CheckIcon } from './icons.js';

type Tone = 'error' | 'warning' | 'success' | 'info';

/**
 * An inline notice. Errors use role="alert" so screen readers announce them when they appear;
 * the other tones are polite status updates.
 */
export function Alert({
  tone,
  title,
  children,
  testId,
}: {
  tone: Tone;
  title?: string;
  children?: ReactNode;
  testId?: string;
}): ReactElement {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'} data-testid={testId}>
      <span className="alert-icon">{tone === 'success' ? <CheckIcon size={16} /> : <AlertIcon size={16} />}</span>
      <div className="alert-body">
        {title ? <p className="alert-title">{title}</p> : null}
        {children}
      </div>
    </div>
  );
}
