import { useState, type FormEvent, type ReactElement } from 'react';
import type { AccountSummary, ImapSecurity } from '../../../../common/domain/mail.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Field } from '../../../../ui/Field.js';
import { call } from '../../api/call.js';
import { ADD_IMAP_FIELDS, addAccountErrorCopy, CERTIFICATE_HINT, DEFAULT_PORTS } from './accountCopy.js';
import {
  AccountErrorAlert,
  CertificateDisclosure,
  CheckLoginButton,
  DisplayNameField,
  LoginFields,
  ServerFields,
} from './ImapFields.js';
import { connectionProblems, portForSecurity, useAccountFormErrors } from './imapForm.js';

/** onFields: the core named the fields to fix (VALIDATION), so they carry the message, not an alert. */
type Status = { kind: 'idle' } | { kind: 'checking' } | { kind: 'failed'; error: AppErrorShape; onFields: boolean };

// A light check only, so a typo does not cost a round trip (and the password); the core decides.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

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
  const { form, errors, setErrors, edited, showInvalid, showRefusal } = useAccountFormErrors('add-account');

  const userValue = user ?? email.trim();
  const checking = status.kind === 'checking';

  const localErrors = (): Record<string, string> => {
    const found: Record<string, string> = {};
    if (email.trim() === '') found['email'] = 'Enter the email address of the mailbox';
    else if (!EMAIL_SHAPE.test(email.trim())) found['email'] = 'Enter an email address such as you@example.com';
    Object.assign(found, connectionProblems({ host, port, user: userValue, caCertPem }));
    if (password === '') found['password'] = 'Enter the password';
    return found;
  };

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (checking) return;
    const local = localErrors();
    if (Object.keys(local).length > 0) {
      // Nothing was sent, so the password stays: only the highlighted fields need fixing.
      setStatus({ kind: 'idle' });
      if (showInvalid(local)) setAdvancedOpen(true);
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
    const { onFields, openAdvanced } = showRefusal(result.error, ADD_IMAP_FIELDS);
    setStatus({ kind: 'failed', error: result.error, onFields });
    if (openAdvanced) setAdvancedOpen(true);
  };

  const generalError = status.kind === 'failed' && !status.onFields ? status.error : null;

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
          <DisplayNameField
            prefix="add-account"
            value={displayName}
            error={errors['displayName']}
            onChange={(value) => {
              setDisplayName(value);
              edited('displayName');
            }}
          />
        </div>

        <ServerFields
          prefix="add-account"
          host={host}
          port={port}
          security={security}
          errors={errors}
          onHostChange={(value) => {
            setHost(value);
            edited('host');
          }}
          onPortChange={(value) => {
            setPort(value);
            edited('port');
          }}
          onSecurityChange={(next) => {
            setPort(portForSecurity(port, security, next));
            setSecurity(next);
            edited('port');
          }}
        />

        <LoginFields
          prefix="add-account"
          user={userValue}
          password={password}
          passwordHint="Kept encrypted in this profile."
          passwordAutoComplete="off"
          errors={errors}
          onUserChange={(value) => {
            setUser(value);
            edited('user');
          }}
          onPasswordChange={(value) => {
            setPassword(value);
            edited('password');
          }}
        />

        <CertificateDisclosure
          prefix="add-account"
          open={advancedOpen}
          onToggle={setAdvancedOpen}
          label="Server certificate (PEM)"
          hint={CERTIFICATE_HINT}
          value={caCertPem}
          error={errors['caCertPem']}
          onChange={(value) => {
            setCaCertPem(value);
            edited('caCertPem');
          }}
          onFileProblem={(problem) => setErrors((current) => ({ ...current, caCertPem: problem }))}
        />
      </fieldset>

      {generalError ? (
        <AccountErrorAlert
          prefix="add-account"
          copy={addAccountErrorCopy(generalError, email.trim())}
          error={generalError}
        />
      ) : null}

      <div className="actions">
        <CheckLoginButton prefix="add-account" checking={checking} label="Add account" />
      </div>
    </form>
  );
}
