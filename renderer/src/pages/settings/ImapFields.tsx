import type { ChangeEvent, ReactElement, ReactNode } from 'react';
import type { ImapSecurity } from '../../../../common/domain/mail.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { Field } from '../../../../ui/Field.js';
import { Spinner } from '../../../../ui/Spinner.js';
import type { FieldErrors } from '../../lib/validation.js';
import { SECURITY_LABELS } from './accountCopy.js';
import { PEM_BEGIN, readCertificate, type FormPrefix } from './imapForm.js';

// The fields the add and edit forms of an IMAP account share. Ids and data-testids are the form's
// prefix and the field: 'add-account-host', 'edit-account-host', … (one form of each is on screen).

export function DisplayNameField({
  prefix,
  value,
  error,
  onChange,
}: {
  prefix: FormPrefix;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}): ReactElement {
  return (
    <Field
      id={`${prefix}-display-name`}
      label="Display name (optional)"
      error={error}
      errorTestId={`${prefix}-displayName-error`}
    >
      {(control) => (
        <input
          {...control}
          className="input"
          type="text"
          autoComplete="off"
          maxLength={100}
          placeholder="Work"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          data-testid={`${prefix}-display-name`}
        />
      )}
    </Field>
  );
}

/** IMAP server and port on one row, then TLS or STARTTLS. */
export function ServerFields({
  prefix,
  host,
  port,
  security,
  errors,
  onHostChange,
  onPortChange,
  onSecurityChange,
}: {
  prefix: FormPrefix;
  host: string;
  port: string;
  security: ImapSecurity;
  errors: FieldErrors;
  onHostChange: (value: string) => void;
  onPortChange: (value: string) => void;
  onSecurityChange: (value: ImapSecurity) => void;
}): ReactElement {
  const securityError = errors['security'];
  return (
    <>
      <div className="form-row form-row-server">
        <Field
          id={`${prefix}-host`}
          label="IMAP server"
          hint="From your provider's settings page, for example imap.example.com."
          error={errors['host']}
          errorTestId={`${prefix}-host-error`}
        >
          {(control) => (
            <input
              {...control}
              className="input"
              type="text"
              autoComplete="off"
              spellCheck={false}
              autoCapitalize="none"
              maxLength={253}
              placeholder="imap.example.com"
              value={host}
              onChange={(event) => onHostChange(event.target.value)}
              data-testid={`${prefix}-host`}
            />
          )}
        </Field>
        <Field id={`${prefix}-port`} label="Port" error={errors['port']} errorTestId={`${prefix}-port-error`}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="text"
              inputMode="numeric"
              autoComplete="off"
              maxLength={5}
              value={port}
              onChange={(event) => onPortChange(event.target.value)}
              data-testid={`${prefix}-port`}
            />
          )}
        </Field>
      </div>

      <fieldset
        className={securityError ? 'field field-invalid' : 'field'}
        aria-describedby={
          securityError ? `${prefix}-security-hint ${prefix}-security-error` : `${prefix}-security-hint`
        }
      >
        <legend className="field-label">Security</legend>
        <div className="choice-row">
          {(['tls', 'starttls'] as const).map((choice) => (
            <div className="choice" key={choice}>
              <input
                type="radio"
                id={`${prefix}-security-${choice}`}
                name={`${prefix}-security`}
                checked={security === choice}
                onChange={() => onSecurityChange(choice)}
                data-testid={`${prefix}-security-${choice}`}
              />
              <label htmlFor={`${prefix}-security-${choice}`}>{SECURITY_LABELS[choice]}</label>
            </div>
          ))}
        </div>
        <p className="field-hint" id={`${prefix}-security-hint`}>
          Both encrypt the connection. Use what your provider says; most use TLS.
        </p>
        {securityError ? (
          <p className="field-error" id={`${prefix}-security-error`}>
            {securityError}
          </p>
        ) : null}
      </fieldset>
    </>
  );
}

/** User name and password on one row. */
export function LoginFields({
  prefix,
  user,
  password,
  passwordHint,
  passwordAutoComplete,
  errors,
  onUserChange,
  onPasswordChange,
}: {
  prefix: FormPrefix;
  user: string;
  password: string;
  passwordHint: string;
  /** 'new-password' keeps a browser from filling in a saved password, which would count as a change. */
  passwordAutoComplete: 'off' | 'new-password';
  errors: FieldErrors;
  onUserChange: (value: string) => void;
  onPasswordChange: (value: string) => void;
}): ReactElement {
  return (
    <div className="form-row">
      <Field
        id={`${prefix}-user`}
        label="User name"
        hint="Usually the email address."
        error={errors['user']}
        errorTestId={`${prefix}-user-error`}
      >
        {(control) => (
          <input
            {...control}
            className="input"
            type="text"
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="none"
            maxLength={320}
            value={user}
            onChange={(event) => onUserChange(event.target.value)}
            data-testid={`${prefix}-user`}
          />
        )}
      </Field>
      <Field
        id={`${prefix}-password`}
        label="Password"
        hint={passwordHint}
        error={errors['password']}
        errorTestId={`${prefix}-password-error`}
      >
        {(control) => (
          <input
            {...control}
            className="input"
            type="password"
            autoComplete={passwordAutoComplete}
            maxLength={4096}
            value={password}
            onChange={(event) => onPasswordChange(event.target.value)}
            data-testid={`${prefix}-password`}
          />
        )}
      </Field>
    </div>
  );
}

/**
 * "Advanced": the server certificate to trust (pasted or loaded from a file). `before` goes
 * above the field; `showField` false leaves only it (e.g. when going back to the system's trust).
 */
export function CertificateDisclosure({
  prefix,
  open,
  onToggle,
  summaryNote,
  before,
  showField = true,
  label,
  hint,
  value,
  error,
  onChange,
  onFileProblem,
}: {
  prefix: FormPrefix;
  open: boolean;
  onToggle: (open: boolean) => void;
  summaryNote?: string | undefined;
  before?: ReactNode;
  showField?: boolean;
  label: string;
  hint: ReactNode;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
  onFileProblem: (problem: string) => void;
}): ReactElement {
  const loadCertificate = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const read = await readCertificate(file);
    if ('problem' in read) onFileProblem(read.problem);
    else onChange(read.pem);
  };

  return (
    <details className="disclosure" open={open} onToggle={(event) => onToggle(event.currentTarget.open)}>
      <summary className="disclosure-summary" data-testid={`${prefix}-advanced`}>
        Advanced
        {summaryNote ? <span className="tag disclosure-note">{summaryNote}</span> : null}
      </summary>
      <div className="disclosure-body">
        {before}
        {showField ? (
          <>
            <Field id={`${prefix}-ca`} label={label} hint={hint} error={error} errorTestId={`${prefix}-ca-error`}>
              {(control) => (
                <textarea
                  {...control}
                  className="input input-mono input-pem"
                  rows={6}
                  autoComplete="off"
                  autoCorrect="off"
                  autoCapitalize="none"
                  spellCheck={false}
                  placeholder={`${PEM_BEGIN}\nMIIB…\n-----END CERTIFICATE-----`}
                  value={value}
                  onChange={(event) => onChange(event.target.value)}
                  data-testid={`${prefix}-ca`}
                />
              )}
            </Field>
            <label className="btn btn-secondary btn-small file-button">
              <input
                type="file"
                className="sr-only"
                accept=".pem,.crt,.cer,application/x-pem-file"
                onChange={(event) => void loadCertificate(event)}
                data-testid={`${prefix}-ca-file`}
              />
              Load from a file…
            </label>
          </>
        ) : null}
      </div>
    </details>
  );
}

/** The submit button: "Checking the login…" with a spinner while the core logs in. */
export function CheckLoginButton({
  prefix,
  checking,
  label,
}: {
  prefix: FormPrefix;
  checking: boolean;
  label: string;
}): ReactElement {
  return (
    <>
      <button
        type="submit"
        className="btn btn-primary"
        disabled={checking}
        aria-busy={checking}
        data-testid={`${prefix}-submit`}
      >
        {checking ? (
          <>
            <Spinner /> Checking the login…
          </>
        ) : (
          label
        )}
      </button>
      <span className="sr-only" role="status">
        {checking ? 'Checking the login…' : ''}
      </span>
    </>
  );
}

/** Why the core refused the account: what to do, then its own message in small print. */
export function AccountErrorAlert({
  prefix,
  copy,
  error,
}: {
  prefix: FormPrefix;
  copy: { title: string; advice: string };
  error: AppErrorShape;
}): ReactElement {
  return (
    <Alert tone="error" title={copy.title} testId={`${prefix}-error`}>
      {copy.advice ? <p>{copy.advice}</p> : null}
      <p className="alert-detail">{error.message}</p>
    </Alert>
  );
}
