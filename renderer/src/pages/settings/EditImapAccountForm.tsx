import { useEffect, useState, type FormEvent, type ReactElement } from 'react';
import type { AccountSummary, ImapSecurity, UpdateImapAccountInput } from '../../../../common/domain/mail.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { ShieldIcon } from '../../../../ui/icons.js';
import { call } from '../../api/call.js';
import type { AccountFix } from '../../frame/routes.js';
import { CERTIFICATE_HINT, DEFAULT_PORTS, EDIT_IMAP_FIELDS, editAccountErrorCopy } from './accountCopy.js';
import {
  AccountErrorAlert,
  CertificateDisclosure,
  CheckLoginButton,
  DisplayNameField,
  LoginFields,
  ServerFields,
} from './ImapFields.js';
import { connectionProblems, portForSecurity, useAccountFormErrors } from './imapForm.js';

type Status =
  | { kind: 'idle' }
  | { kind: 'unchanged' }
  | { kind: 'checking' }
  | { kind: 'failed'; error: AppErrorShape; onFields: boolean; droppingCertificate: boolean };

type Changes = Omit<UpdateImapAccountInput, 'id'>;

/** The form starts from the saved settings; the display name is empty when it is just the address. */
function savedValues(account: AccountSummary) {
  const security = account.security ?? 'tls';
  return {
    displayName: account.displayName === account.email ? '' : account.displayName,
    host: account.host ?? '',
    port: String(account.port ?? DEFAULT_PORTS[security]),
    security,
    user: account.user ?? account.email,
  };
}

/**
 * Edits an IMAP account in place, e.g. a new password after the server refused the old one. Only
 * the fields that changed are sent; the core logs in with the result before it saves anything,
 * so until then the account keeps syncing with its current settings. The password leaves React
 * state as soon as the core answered.
 */
export function EditImapAccountForm({
  account,
  fix,
  onSaved,
  onCancel,
}: {
  account: AccountSummary;
  /** Opened from a sync error: focus the password, or the certificate under Advanced. */
  fix: AccountFix | null;
  onSaved: (account: AccountSummary) => void;
  onCancel: () => void;
}): ReactElement {
  const [saved] = useState(() => savedValues(account));
  const [displayName, setDisplayName] = useState(saved.displayName);
  const [host, setHost] = useState(saved.host);
  const [security, setSecurity] = useState<ImapSecurity>(saved.security);
  const [port, setPort] = useState(saved.port);
  const [user, setUser] = useState(saved.user);
  const [password, setPassword] = useState('');
  const [caCertPem, setCaCertPem] = useState('');
  // Back to the system's trusted certificates (caCertPem: null); only when a custom one is trusted.
  const [systemCa, setSystemCa] = useState(false);
  const [advancedOpen, setAdvancedOpen] = useState(fix === 'certificate');
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const { form, errors, setErrors, edited, showInvalid, showRefusal } = useAccountFormErrors('edit-account');

  const checking = status.kind === 'checking';
  const customCertificate = account.hasCustomCertificate;

  useEffect(() => {
    // Into the form as it opens: at the field the sync error asked for, or else the first one.
    const field = fix === 'password' ? 'password' : fix === 'certificate' ? 'ca' : 'display-name';
    form.current?.querySelector<HTMLElement>(`#edit-account-${field}`)?.focus();
  }, [form, fix]);

  const change = (field: string): void => {
    edited(field);
    setStatus((current) => (current.kind === 'unchanged' ? { kind: 'idle' } : current));
  };

  const changes = (): Changes => {
    const found: Changes = {};
    const name = displayName.trim();
    // The core keeps the old name for an empty one: the address is what "no name" means.
    if (name !== saved.displayName) found.displayName = name || account.email;
    if (host.trim() !== saved.host) found.host = host.trim();
    if (Number(port.trim()) !== Number(saved.port)) found.port = Number(port.trim());
    if (security !== saved.security) found.security = security;
    if (user !== saved.user) found.user = user;
    if (password !== '') found.password = password;
    if (systemCa) found.caCertPem = null;
    else if (caCertPem.trim() !== '') found.caCertPem = caCertPem.trim();
    return found;
  };

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (checking) return;
    const local = connectionProblems({ host, port, user, caCertPem: systemCa ? '' : caCertPem });
    if (Object.keys(local).length > 0) {
      // Nothing was sent, so the password stays: only the highlighted fields need fixing.
      setStatus({ kind: 'idle' });
      if (showInvalid(local)) setAdvancedOpen(true);
      return;
    }
    const changed = changes();
    setErrors({});
    if (Object.keys(changed).length === 0) {
      setStatus({ kind: 'unchanged' });
      return;
    }
    setStatus({ kind: 'checking' });
    const result = await call('accounts.updateImap', { id: account.id, ...changed });
    setPassword('');
    if (result.ok) {
      setStatus({ kind: 'idle' });
      onSaved(result.value);
      return;
    }
    const { onFields, openAdvanced } = showRefusal(result.error, EDIT_IMAP_FIELDS);
    setStatus({ kind: 'failed', error: result.error, onFields, droppingCertificate: changed.caCertPem === null });
    if (openAdvanced) setAdvancedOpen(true);
  };

  const generalError = status.kind === 'failed' && !status.onFields ? status : null;

  return (
    <form
      ref={form}
      className="edit-account"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-labelledby="edit-account-title"
      data-testid="edit-account-form"
    >
      <h3 className="add-account-title" id="edit-account-title">
        Edit {account.email}
      </h3>
      <p className="text-secondary add-account-intro">
        Clientele checks the login with the new settings before it saves them. Until then it keeps syncing with the
        current ones.
      </p>
      <fieldset className="form-fieldset" disabled={checking}>
        <div className="form-row">
          <DisplayNameField
            prefix="edit-account"
            value={displayName}
            error={errors['displayName']}
            onChange={(value) => {
              setDisplayName(value);
              change('displayName');
            }}
          />
        </div>

        <ServerFields
          prefix="edit-account"
          host={host}
          port={port}
          security={security}
          errors={errors}
          onHostChange={(value) => {
            setHost(value);
            change('host');
          }}
          onPortChange={(value) => {
            setPort(value);
            change('port');
          }}
          onSecurityChange={(next) => {
            setPort(portForSecurity(port, security, next));
            setSecurity(next);
            change('port');
          }}
        />

        <LoginFields
          prefix="edit-account"
          user={user}
          password={password}
          passwordHint="Leave empty to keep the current password."
          passwordAutoComplete="new-password"
          errors={errors}
          onUserChange={(value) => {
            setUser(value);
            change('user');
          }}
          onPasswordChange={(value) => {
            setPassword(value);
            change('password');
          }}
        />

        <CertificateDisclosure
          prefix="edit-account"
          open={advancedOpen}
          onToggle={setAdvancedOpen}
          summaryNote={customCertificate ? 'Custom certificate' : undefined}
          before={
            customCertificate ? (
              <div className="custom-certificate">
                <p className="custom-certificate-note">
                  <ShieldIcon size={16} />A custom certificate is trusted for this server.
                </p>
                <div className="choice">
                  <input
                    type="checkbox"
                    id="edit-account-system-ca"
                    checked={systemCa}
                    onChange={(event) => {
                      setSystemCa(event.target.checked);
                      change('caCertPem');
                    }}
                    aria-describedby="edit-account-system-ca-hint"
                    data-testid="edit-account-system-ca"
                  />
                  <label htmlFor="edit-account-system-ca">Use the system&apos;s certificates instead</label>
                </div>
                <p className="field-hint" id="edit-account-system-ca-hint">
                  For a server that now has a certificate from a public authority. Clientele checks that this computer
                  trusts it before it forgets the custom one.
                </p>
              </div>
            ) : null
          }
          showField={!systemCa}
          label={customCertificate ? 'Replace it with another certificate (PEM)' : 'Server certificate (PEM)'}
          hint={
            customCertificate ? (
              <>
                Leave empty to keep the current one. Paste the server&apos;s new certificate, or the certificate
                authority that issued it.
              </>
            ) : (
              CERTIFICATE_HINT
            )
          }
          value={caCertPem}
          error={errors['caCertPem']}
          onChange={(value) => {
            setCaCertPem(value);
            change('caCertPem');
          }}
          onFileProblem={(problem) => setErrors((current) => ({ ...current, caCertPem: problem }))}
        />
      </fieldset>

      {generalError ? (
        <AccountErrorAlert
          prefix="edit-account"
          copy={editAccountErrorCopy(generalError.error, generalError.droppingCertificate)}
          error={generalError.error}
        />
      ) : null}
      {status.kind === 'unchanged' ? (
        <Alert tone="info" testId="edit-account-unchanged">
          <p>Nothing to save yet: change a setting, or type the new password.</p>
        </Alert>
      ) : null}

      <div className="actions">
        <CheckLoginButton prefix="edit-account" checking={checking} label="Save changes" />
        <button
          type="button"
          className="btn btn-secondary"
          disabled={checking}
          onClick={onCancel}
          data-testid="edit-account-cancel"
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
