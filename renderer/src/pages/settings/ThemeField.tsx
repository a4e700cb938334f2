import type { ReactElement } from 'react';
import type { Theme } from '../../../../common/domain/profile.js';
import { Field } from '../../../../ui/Field.js';

const OPTIONS: { value: Theme; label: string }[] = [
  { value: 'system', label: 'Match my computer' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function ThemeField({
  value,
  error,
  onChange,
}: {
  value: Theme;
  error: string | undefined;
  onChange: (theme: Theme) => void;
}): ReactElement {
  return (
    <Field id="settings-theme" label="Theme" hint="Changes show right away; Save keeps them." error={error}>
      {(control) => (
        <select
          {...control}
          className="input select"
          value={value}
          onChange={(event) => {
            const next = OPTIONS.find((option) => option.value === event.target.value);
            if (next) onChange(next.value);
          }}
          data-testid="settings-theme"
        >
          {OPTIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
