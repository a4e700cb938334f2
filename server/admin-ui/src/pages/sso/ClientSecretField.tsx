import type { ReactElement } from 'react';
import { Field } from '../../../../../ui/Field.js';
import { LockIcon } from '../../../../../ui/icons.js';

/**
 * The client secret is write-only: the server answers only whether one is set. Set, the field says so
 * and offers to replace it; the value typed is sent once and never comes back.
 */
export function ClientSecretField({
  isSet,
  replacing,
  onReplacing,
  value,
  onChange,
  error,
}: {
  isSet: boolean;
  /** Set, and the admin chose to type a new one. */
  replacing: boolean;
  onReplacing: (replacing: boolean) => void;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
}): ReactElement {
  if (isSet && !replacing) {
    return (
      <div className="field" data-testid="sso-secret-set">
        <span className="field-label" id="sso-secret-label">
          Client secret
        </span>
        <div className="secret-state">
          <span className="badge badge-success" aria-describedby="sso-secret-label">
            <LockIcon size={14} />
            Set
          </span>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => onReplacing(true)}
            data-testid="sso-secret-replace"
          >
            Replace secret
          </button>
        </div>
        <p className="field-hint">Stored sealed on the server. It is never shown, here or anywhere.</p>
        {error ? (
          <p className="field-error" data-testid="sso-secret-error">
            {error}
          </p>
        ) : null}
      </div>
    );
  }

  return (
    <Field
      id="sso-secret"
      label={isSet ? 'New client secret' : 'Client secret'}
      hint="From the identity provider, with the client ID. Once saved it is never shown again."
      error={error}
      errorTestId="sso-secret-error"
    >
      {(control) => (
        <div className="copyable">
          <input
            {...control}
            className="input input-mono"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={value}
            onChange={(event) => onChange(event.target.value)}
            data-testid="sso-secret"
          />
          {isSet ? (
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => {
                onChange('');
                onReplacing(false);
              }}
              data-testid="sso-secret-keep"
            >
              Keep the current one
            </button>
          ) : null}
        </div>
      )}
    </Field>
  );
}
