import { useId, type ReactElement } from 'react';

export type BackfillMode = 'months' | 'everything';

/** How far back a mailbox's first sync reaches: a number of months, or everything. */
export function BackfillField({
  mode,
  months,
  error,
  onModeChange,
  onMonthsChange,
}: {
  mode: BackfillMode;
  months: string;
  error: string | undefined;
  onModeChange: (mode: BackfillMode) => void;
  onMonthsChange: (months: string) => void;
}): ReactElement {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = error ? `${hintId} ${errorId}` : hintId;
  return (
    <fieldset className={error ? 'field field-invalid' : 'field'} aria-describedby={describedBy}>
      <legend className="field-label">How far back to sync</legend>
      <div className="choice">
        <input
          type="radio"
          id={`${id}-months`}
          name={`${id}-mode`}
          checked={mode === 'months'}
          onChange={() => onModeChange('months')}
          data-testid="settings-backfill-limited"
        />
        <label htmlFor={`${id}-months`}>The last</label>
        <input
          type="number"
          className="input input-number"
          aria-label="Number of months"
          aria-invalid={Boolean(error)}
          inputMode="numeric"
          min={1}
          max={600}
          step={1}
          value={months}
          // Typing a number clearly means "a number of months": select that choice for the user.
          onFocus={() => onModeChange('months')}
          onChange={(event) => onMonthsChange(event.target.value)}
          data-testid="settings-backfill-months"
        />
        <span className="choice-suffix">months</span>
      </div>
      <div className="choice">
        <input
          type="radio"
          id={`${id}-everything`}
          name={`${id}-mode`}
          checked={mode === 'everything'}
          onChange={() => onModeChange('everything')}
          data-testid="settings-backfill-everything"
        />
        <label htmlFor={`${id}-everything`}>Everything</label>
      </div>
      <p className="field-hint" id={hintId}>
        Used the first time a mailbox syncs. Older mail takes longer to sync and more space on this computer.
      </p>
      {error ? (
        <p className="field-error" id={errorId} data-testid="settings-backfill-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
