import { useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { Settings, Theme } from '../../../../common/domain/profile.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { CheckIcon } from '../../../../ui/icons.js';
import { call } from '../../api/call.js';
import { applyTheme } from '../../lib/theme.js';
import { fieldErrors, type FieldErrors } from '../../lib/validation.js';
import { BackfillField, type BackfillMode } from './BackfillField.js';
import { ThemeField } from './ThemeField.js';

type Status = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'error'; error: AppErrorShape };

/** Theme and sync preferences, saved together through settings.update. */
export function PreferencesForm({
  saved,
  onSaved,
}: {
  saved: Settings;
  onSaved: (settings: Settings) => void;
}): ReactElement {
  const [theme, setTheme] = useState<Theme>(saved.theme);
  const [mode, setMode] = useState<BackfillMode>(saved.backfillMonths === null ? 'everything' : 'months');
  const [months, setMonths] = useState(String(saved.backfillMonths ?? 12));
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});

  // The theme previews live; leaving without saving puts the stored theme back.
  const savedTheme = useRef(saved.theme);
  useEffect(() => {
    savedTheme.current = saved.theme;
  }, [saved.theme]);
  useEffect(() => () => applyTheme(savedTheme.current), []);

  const edited = (): void => {
    if (status.kind === 'saved') setStatus({ kind: 'idle' });
  };

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (status.kind === 'saving') return;
    let backfillMonths: number | null = null;
    if (mode === 'months') {
      const parsed = Number(months.trim());
      // NaN would travel as JSON null, which means "everything": catch it here, never send it.
      if (months.trim() === '' || !Number.isFinite(parsed)) {
        setLocalErrors({ backfillMonths: 'Enter a number of months (1 to 600), or choose Everything.' });
        setStatus({ kind: 'idle' });
        return;
      }
      backfillMonths = parsed;
    }
    setLocalErrors({});
    setStatus({ kind: 'saving' });
    const result = await call('settings.update', { theme, backfillMonths });
    if (!result.ok) {
      setStatus({ kind: 'error', error: result.error });
      return;
    }
    setStatus({ kind: 'saved' });
    setTheme(result.value.theme);
    setMode(result.value.backfillMonths === null ? 'everything' : 'months');
    if (result.value.backfillMonths !== null) setMonths(String(result.value.backfillMonths));
    onSaved(result.value);
  };

  const serverErrors = status.kind === 'error' ? fieldErrors(status.error) : {};
  const errors: FieldErrors = { ...serverErrors, ...localErrors };
  const hasFieldError = Object.keys(serverErrors).some((key) => key === 'theme' || key === 'backfillMonths');
  const generalError = status.kind === 'error' && !hasFieldError ? status.error : null;

  return (
    <form className="card settings-card" onSubmit={(event) => void submit(event)} noValidate>
      <h2 className="card-title">Preferences</h2>
      <ThemeField
        value={theme}
        error={errors['theme']}
        onChange={(next) => {
          setTheme(next);
          applyTheme(next);
          edited();
        }}
      />
      <BackfillField
        mode={mode}
        months={months}
        error={errors['backfillMonths']}
        onModeChange={(next) => {
          setMode(next);
          edited();
        }}
        onMonthsChange={(next) => {
          setMonths(next);
          edited();
        }}
      />
      {generalError ? (
        <Alert tone="error" title="Settings were not saved" testId="settings-error">
          <p>{generalError.message}</p>
        </Alert>
      ) : null}
      <div className="actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={status.kind === 'saving'}
          data-testid="settings-save"
        >
          {status.kind === 'saving' ? 'Saving…' : 'Save'}
        </button>
        <span className="save-status" role="status" data-testid="settings-saved">
          {status.kind === 'saved' ? (
            <>
              <CheckIcon size={16} /> Saved
            </>
          ) : null}
        </span>
      </div>
    </form>
  );
}
