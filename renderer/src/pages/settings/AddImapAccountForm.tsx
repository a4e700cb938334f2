import { useEffect, useRef, useState, type ChangeEvent, type FormEvent, type ReactElement } from 'react';
import type { AccountSummary, ImapSecurity } from '../../../../common/domain/mail.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { call } from '../../api/call.js';
import { Alert } from '../../components/Alert.js';
import { Field } from '../../components/Field.js';
import { Spinner } from '../../components/Spinner.js';
import { fieldErrors, type FieldErrors } from '../../lib/validation.js';
import { ADD_IMAP_FIELDS, addAccountErrorCopy, DEFAULT_PORTS, type AddImapField } from './accountCopy.js';

/** onFields: the core named the fields to fix (VALIDATION), so they carry the message, not an alert. */
type Status = { kind: 'idle' } | { kind: 'checking' } | { kind: 'failed'; error: AppErrorShape; onFields: boolean };

const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';
const MAX_PEM_LENGTH = 20_000;
// A light check only, so a typo does not cost a round trip (and the password); the core decides.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function pemProblem(pem: string): string | undefined {
  if (pem.length > MAX_PEM_LENGTH) return 'This is too long for a certificate. Paste only the certificate itself.';
  if (!pem.includes(PEM_BEGIN)) return `Paste the certificate in PEM format: it starts with ${PEM_BEGIN}`;
  return undefined;
}

/**
 * "Add IMAP account": the core logs in once before it saves anything, so a wrong password, host or
 * certificate is reported here. The password leaves React state as soon as the core answered.
 */
export function AddImapAccountForm({ onAdded }: { onAdded: (account: AccountSummary) => void }): ReactElement {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [host, setHost] = useState('');
  const [security, setSecurity] = useState<ImapSecurity>('tls');
  const [port, setPort] = useState(String(DEFAULT_PORTS.tls));
  // null: follow the email address, until the user types a user name of their own.
  const [user, setUser] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const [caCertPem, setCaCertPem] = useState('');
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const form = useRef<HTMLFormElement>(null);
  // Which control to focus once the form re-rendered after a refused submit (the count re-triggers it).
  const [focusRequest, setFocusRequest] = useState<{ count: number; target: 'invalid' | 'certificate' }>({
    count: 0,
    target: 'invalid',
  });

  const userValue = user ?? email.trim();
  const checking = status.kind === 'checking';

  useEffect(() => {
    // After a refused submit: to the first field to fix, to the certificate field when the server's
    // certificate was not trusted, or else to the password, which needs typing again.
    if (focusRequest.count === 0) return;
    const find = (selector: string) => form.current?.querySelector<HTMLElement>(selector) ?? null;
    const target =
      find('[aria-invalid="true"]') ??
      (focusRequest.target === 'certificate' ? find('#add-account-ca') : null) ??
      find('#add-account-password');
    target?.focus();
  }, [focusRequest]);

  const requestFocus = (target: 'invalid' | 'certificate'): void =>
    setFocusRequest((current) => ({ count: current.count + 1, target }));

  const edited = (field: AddImapField): void => {
    setErrors((current) => {
      if (!current[field]) return current;
      const rest: Record<string, string> = { ...current };
      delete rest[field];
      return rest;
    });
  };

  const changeSecurity = (next: ImapSecurity): void => {
    // Keep a port the user chose; follow the default while the field still holds the old default.
    if (port.trim() === '' || port.trim() === String(DEFAULT_PORTS[security])) setPort(String(DEFAULT_PORTS[next]));
    setSecurity(next);
    edited('port');
  };

  const loadCertificate = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const text = file.size > MAX_PEM_LENGTH * 2 ? '' : await file.text();
    const problem = text ? pemProblem(text) : 'This file is too large to be a certificate.';
    if (problem) {
      setErrors((current) => ({ ...current, caCertPem: `${file.name}: ${problem}` }));
      return;
    }
    setCaCertPem(text.trim());
    edited('caCertPem');
  };

  const localErrors = (): FieldErrors => {
    const found: Record<string, string> = {};
    const portNumber = Number(port.trim());
    if (email.trim() === '') found['email'] = 'Enter the email address of the mailbox';
    else if (!EMAIL_SHAPE.test(email.trim())) found['email'] = 'Enter an email address such as you@example.com';
    if (host.trim() === '') found['host'] = 'Enter the IMAP server name';
    if (!/^\d+$/.test(port.trim()) || portNumber < 1 || portNumber > 65535) {
      found['port'] = 'Enter a port from 1 to 65535';
    }
    if (userValue === '') found['user'] = 'Enter the user name';
    if (password === '') found['password'] = 'Enter the password';
    const pem = caCertPem.trim();
    const problem = pem ? pemProblem(pem) : undefined;
    if (problem) found['caCertPem'] = problem;
    return found;
  };

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (checking) return;
    const local = localErrors();
    if (Object.keys(local).length > 0) {
      // Nothing was sent, so the password stays: only the highlighted fields need fixing.
      setErrors(local);
      setStatus({ kind: 'idle' });
      if (local['caCertPem']) setAdvancedOpen(true);
      requestFocus('invalid');
      return;
    }
    setErrors({});
    setStatus({ kind: 'checking' });
    const pem = caCertPem.trim();
    const result = await call('accounts.addImap', {
      email: email.trim(),
      ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
      host: host.trim(),
      port: Number(port.trim()),
      security,
      user: userValue,
      password,
      ...(pem ? { caCertPem: pem } : {}),
    });
    setPassword('');
    if (result.ok) {
      setStatus({ kind: 'idle' });
      onAdded(result.value);
      return;
    }
    const byField = fieldErrors(result.error);
    setErrors(byField);
    const onFields = ADD_IMAP_FIELDS.some((field) => byField[field]);
    setStatus({ kind: 'failed', error: result.error, onFields });
    const certificate = result.error.code === 'PERMISSION';
    if (certificate || byField['caCertPem']) setAdvancedOpen(true);
    requestFocus(certificate ? 'certificate' : 'invalid');
  };

  const generalError = status.kind === 'failed' && !status.onFields ? status.error : null;
  const copy = generalError ? addAccountErrorCopy(generalError, email.trim()) : null;

  return (
    <form
      ref={form}
      className="add-account"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-labelledby="add-account-title"
      data-testid="add-account-form"
    >
      <h3 className="add-account-title" id="add-account-title">
        Add IMAP account
      </h3>
      <p className="text-secondary add-account-intro">
        Works with most providers and company mail servers. Clientele checks the login before it saves anything.
      </p>
      <fieldset className="form-fieldset" disabled={checking}>
        <div className="form-row">
          <Field
            id="add-account-email"
            label="Email address"
            error={errors['email']}
            errorTestId="add-account-email-error"
          >
            {(control) => (
              <input
                {...control}
                className="input"
                type="email"
                autoComplete="email"
                spellCheck={false}
                autoCapitalize="none"
                maxLength={320}
                placeholder="you@example.com"
                value={email}
                onChange={(event) => {
                  setEmail(event.target.value);
                  edited('email');
                  if (user === null) edited('user');
                }}
                data-testid="add-account-email"
              />
            )}
          </Field>
          <Field
            id="add-account-display-name"
            label="Display name (optional)"
            error={errors['displayName']}
            errorTestId="add-account-displayName-error"
          >
            {(control) => (
              <input
                {...control}
                className="input"
                type="text"
                autoComplete="off"
                maxLength={100}
                placeholder="Work"
                value={displayName}
                onChange={(event) => {
                  setDisplayName(event.target.value);
                  edited('displayName');
                }}
                data-testid="add-account-display-name"
              />
            )}
          </Field>
        </div>

        <div className="form-row form-row-server">
          <Field
            id="add-account-host"
            label="IMAP server"
            hint="From your provider's settings page, for example imap.example.com."
            error={errors['host']}
            errorTestId="add-account-host-error"
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
                onChange={(event) => {
                  setHost(event.target.value);
                  edited('host');
                }}
                data-testid="add-account-host"
              />
            )}
          </Field>
          <Field id="add-account-port" label="Port" error={errors['port']} errorTestId="add-account-port-error">
            {(control) => (
              <input
                {...control}
                className="input"
                type="text"
                inputMode="numeric"
                autoComplete="off"
                maxLength={5}
                value={port}
                onChange={(event) => {
                  setPort(event.target.value);
                  edited('port');
                }}
                data-testid="add-account-port"
              />
            )}
          </Field>
        </div>

        <fieldset
          className={errors['security'] ? 'field field-invalid' : 'field'}
          aria-describedby={
            errors['security'] ? 'add-account-security-hint add-account-security-error' : 'add-account-security-hint'
          }
        >
          <legend className="field-label">Security</legend>
          <div className="choice-row">
            <div className="choice">
              <input
                type="radio"
                id="add-account-security-tls"
                name="add-account-security"
                checked={security === 'tls'}
                onChange={() => changeSecurity('tls')}
                data-testid="add-account-security-tls"
              />
              <label htmlFor="add-account-security-tls">TLS</label>
            </div>
            <div className="choice">
              <input
                type="radio"
                id="add-account-security-starttls"
                name="add-account-security"
                checked={security === 'starttls'}
                onChange={() => changeSecurity('starttls')}
                data-testid="add-account-security-starttls"
              />
              <label htmlFor="add-account-security-starttls">STARTTLS</label>
            </div>
          </div>
          <p className="field-hint" id="add-account-security-hint">
            Both encrypt the connection. Use what your provider says; most use TLS.
          </p>
          {errors['security'] ? (
            <p className="field-error" id="add-account-security-error">
              {errors['security']}
            </p>
          ) : null}
        </fieldset>

        <div className="form-row">
          <Field
            id="add-account-user"
            label="User name"
            hint="Usually the email address."
            error={errors['user']}
            errorTestId="add-account-user-error"
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
                value={userValue}
                onChange={(event) => {
                  setUser(event.target.value);
                  edited('user');
                }}
                data-testid="add-account-user"
              />
            )}
          </Field>
          <Field
            id="add-account-password"
            label="Password"
            hint="Kept encrypted in this profile."
            error={errors['password']}
            errorTestId="add-account-password-error"
          >
            {(control) => (
              <input
                {...control}
                className="input"
                type="password"
                autoComplete="off"
                maxLength={4096}
                value={password}
                onChange={(event) => {
                  setPassword(event.target.value);
                  edited('password');
                }}
                data-testid="add-account-password"
              />
            )}
          </Field>
        </div>

        <details
          className="disclosure"
          open={advancedOpen}
          onToggle={(event) => setAdvancedOpen(event.currentTarget.open)}
        >
          <summary className="disclosure-summary" data-testid="add-account-advanced">
            Advanced
          </summary>
          <div className="disclosure-body">
            <Field
              id="add-account-ca"
              label="Server certificate (PEM)"
              hint={
                <>
                  Only for servers with a private or self-signed certificate. Paste the server&apos;s certificate, or
                  the certificate authority that issued it; Clientele trusts it for this server only.
                </>
              }
              error={errors['caCertPem']}
              errorTestId="add-account-ca-error"
            >
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
                  value={caCertPem}
                  onChange={(event) => {
                    setCaCertPem(event.target.value);
                    edited('caCertPem');
                  }}
                  data-testid="add-account-ca"
                />
              )}
            </Field>
            <label className="btn btn-secondary btn-small file-button">
              <input
                type="file"
                className="sr-only"
                accept=".pem,.crt,.cer,application/x-pem-file"
                onChange={(event) => void loadCertificate(event)}
                data-testid="add-account-ca-file"
              />
              Load from a file…
            </label>
          </div>
        </details>
      </fieldset>

      {generalError && copy ? (
        <Alert tone="error" title={copy.title} testId="add-account-error">
          {copy.advice ? <p>{copy.advice}</p> : null}
          <p className="alert-detail">{generalError.message}</p>
        </Alert>
      ) : null}

      <div className="actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={checking}
          aria-busy={checking}
          data-testid="add-account-submit"
        >
          {checking ? (
            <>
              <Spinner /> Checking the login…
            </>
          ) : (
            'Add account'
          )}
        </button>
        <span className="sr-only" role="status">
          {checking ? 'Checking the login…' : ''}
        </span>
      </div>
    </form>
  );
}
