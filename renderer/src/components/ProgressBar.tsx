import type { CSSProperties, ReactElement } from 'react';

/**
 * A determinate progress bar (or an indeterminate one when `max` is null). The fill width is a
 * CSS custom property set through the style prop: React applies it through the CSSOM, which the
 * renderer's CSP (style-src 'self') allows, unlike a style="" attribute in markup.
 */
export function ProgressBar({
  value,
  max,
  label,
  valueText,
  size = 'regular',
  tone = 'accent',
  testId,
}: {
  value: number;
  /** null: indeterminate (the total is not known yet). */
  max: number | null;
  /** The accessible name: what is progressing. */
  label: string;
  /** How a screen reader reads the value, e.g. "120 of 300 messages". */
  valueText?: string;
  size?: 'regular' | 'small';
  tone?: 'accent' | 'success' | 'muted';
  testId?: string;
}): ReactElement {
  const determinate = max !== null;
  // Nothing to do (0 of 0) counts as done: a full bar, and 100 of 100 for assistive technology.
  const empty = max === 0;
  const ariaMax = empty ? 100 : (max ?? undefined);
  const clamped = max === null ? undefined : empty ? 100 : Math.min(Math.max(value, 0), max);
  const fraction = max === null ? 0 : empty ? 1 : (clamped ?? 0) / max;
  const classes = ['progress', `progress-${size}`, `progress-${tone}`, determinate ? '' : 'progress-indeterminate'];
  return (
    <div
      className={classes.filter(Boolean).join(' ')}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={ariaMax}
      aria-valuenow={clamped}
      aria-valuetext={valueText}
      data-testid={testId}
    >
      <div className="progress-fill" style={{ '--progress': fraction } as CSSProperties} />
    </div>
  );
}
