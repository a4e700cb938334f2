import type { ReactElement } from 'react';
import { Field } from '../../../../ui/Field.js';
import { PasswordHint } from '../pages/PasswordHint.js';

/**
 * A field for a password being chosen (a new account's, one's own, an administrator's reset): the
 * password rules said under it, the browser told it is a new password (so a password manager offers
 * to generate and save one), the server's refusal inline.
 */
export function NewPasswordField({
  id,
  label,
  value,
  onChange,
  error,
  errorTestId,
  testId,
  shown = false,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  errorTestId: string;
  testId: string;
  /** Shown as text (an administrator reading it out to hand it over). */
  shown?: boolean;
}): ReactElement {
  return (
    <Field id={id} label={label} hint={<PasswordHint />} error={error} errorTestId={errorTestId}>
      {(control) => (
        <input
          {...control}
          className="input"
          type={shown ? 'text' : 'password'}
          autoComplete="new-password"
          spellCheck={false}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          data-testid={testId}
        />
      )}
    </Field>
  );
}
