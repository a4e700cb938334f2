import { useState, type FormEvent, type ReactElement } from 'react';
import type { RoleView } from '../../../../../common/api/server-admin.js';
import type { SsoConfigView } from '../../../../../common/api/server-sso.js';
import { Alert } from '../../../../../ui/Alert.js';
import { Field } from '../../../../../ui/Field.js';
import { api } from '../../api/admin.js';
import { ClientSecretField } from './ClientSecretField.js';
import { DomainListEditor } from './DomainListEditor.js';
import {
  draftOf,
  FIELD_LABELS,
  inputOf,
  placeRefusal,
  sameDraft,
  type FieldErrors,
  type SsoDraft,
} from './sso-draft.js';

/**
 * The identity provider, who may sign in, what new people get, and the switch, saved together with
 * one PUT. A refusal (a field the server can't accept, an issuer that does not answer discovery, the
 * switch turned on with a part missing) is shown at the field it concerns; nothing is saved then.
 */
export function SsoConfigForm({ initial, roles }: { initial: SsoConfigView; roles: RoleView[] }): ReactElement {
  // The server's answer to each save is the configuration from then on (it is the whole view).
  const [saved, setSaved] = useState<SsoConfigView>(initial);
  const [draft, setDraft] = useState<SsoDraft>(() => draftOf(initial));
  const [replacingSecret, setReplacingSecret] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  const dirty = !sameDraft(draft, draftOf(saved));

  function edit(change: Partial<SsoDraft>): void {
    setDraft({ ...draft, ...change });
    setStatus(undefined);
  }

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault();
    setStatus(undefined);
    const checked = inputOf(draft, saved);
    if ('errors' in checked) return setErrors(checked.errors);
    setErrors({});
    setBusy(true);
    const result = await api.saveSso(checked.input);
    setBusy(false);
    if (!result.ok) return setErrors(placeRefusal(result.error, checked.input.issuer));
    setSaved(result.value);
    setDraft(draftOf(result.value));
    setReplacingSecret(false);
    setStatus(
      result.value.enabled
        ? 'Saved. Single sign-on is on: the sign-in pages offer it now.'
        : 'Saved. Single sign-on is off.',
    );
  }

  // Refusals placed at fields can be far from the button: name them where the admin is looking.
  const refused = (Object.keys(FIELD_LABELS) as (keyof typeof FIELD_LABELS)[]).filter((field) => errors[field]);

  return (
    <form className="card form-card" onSubmit={(event) => void save(event)} noValidate data-testid="sso-form">
      <div className="card-head">
        <h2 className="card-title">Identity provider</h2>
        <span
          className={saved.enabled ? 'badge badge-success' : 'badge badge-neutral'}
          data-testid="sso-state"
          data-enabled={saved.enabled}
        >
          {saved.enabled ? 'On' : 'Off'}
        </span>
      </div>
      <Field
        id="sso-issuer"
        label="Issuer URL"
        hint="Clientele reads the provider's endpoints from <issuer>/.well-known/openid-configuration when single sign-on is turned on or the issuer changes."
        error={errors.issuer}
        errorTestId="sso-issuer-error"
      >
        {(control) => (
          <input
            {...control}
            className="input"
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://login.example.com/tenant"
            value={draft.issuer}
            onChange={(event) => edit({ issuer: event.target.value })}
            data-testid="sso-issuer"
          />
        )}
      </Field>
      <div className="form-row">
        <Field id="sso-client-id" label="Client ID" error={errors.clientId} errorTestId="sso-client-id-error">
          {(control) => (
            <input
              {...control}
              className="input input-mono"
              autoComplete="off"
              spellCheck={false}
              value={draft.clientId}
              onChange={(event) => edit({ clientId: event.target.value })}
              data-testid="sso-client-id"
            />
          )}
        </Field>
        <ClientSecretField
          isSet={saved.clientSecretSet}
          replacing={replacingSecret}
          onReplacing={(replacing) => {
            setReplacingSecret(replacing);
            if (!replacing) setErrors({ ...errors, clientSecret: undefined });
          }}
          value={draft.newSecret}
          onChange={(newSecret) => edit({ newSecret })}
          error={errors.clientSecret}
        />
      </div>

      <DomainListEditor
        domains={draft.domains}
        onChange={(domains) => edit({ domains })}
        error={errors.allowedEmailDomains}
      />

      <fieldset className="field sso-people">
        <legend className="field-label">People without an account</legend>
        <label className="choice">
          <input
            type="checkbox"
            checked={draft.autoProvision}
            onChange={(event) => edit({ autoProvision: event.target.checked })}
            data-testid="sso-auto-provision"
          />
          <span>Create an account at their first sign-in</span>
        </label>
        <p className="field-hint">
          Unticked: only people with an account here may sign in; the first sign-in links the account with the same
          verified email. Accounts made this way have no password.
        </p>
        {errors.autoProvision ? <p className="field-error">{errors.autoProvision}</p> : null}
      </fieldset>
      <Field
        id="sso-default-role"
        label="Role for new accounts"
        hint="Given to an account created at its first sign-in. Change it later on the Users page."
        error={errors.defaultRoleId}
        errorTestId="sso-default-role-error"
      >
        {(control) => (
          <select
            {...control}
            className="input select"
            value={draft.defaultRoleId}
            onChange={(event) => edit({ defaultRoleId: event.target.value })}
            data-testid="sso-default-role"
          >
            <option value="">No role (they can do nothing until given one)</option>
            {roles.map((role) => (
              <option key={role.id} value={role.id}>
                {role.name}
              </option>
            ))}
          </select>
        )}
      </Field>

      <div className="sso-switch">
        <label className="choice">
          <input
            type="checkbox"
            checked={draft.enabled}
            aria-invalid={Boolean(errors.enabled)}
            aria-describedby={errors.enabled ? 'sso-enabled-error' : 'sso-enabled-hint'}
            onChange={(event) => edit({ enabled: event.target.checked })}
            data-testid="sso-enabled"
          />
          <span>Let people sign in with single sign-on</span>
        </label>
        <p className="field-hint" id="sso-enabled-hint">
          Needs the issuer URL, the client ID, the client secret and at least one domain. Passwords keep working for
          accounts that have one.
        </p>
        {errors.enabled ? (
          <p className="field-error" id="sso-enabled-error" data-testid="sso-enabled-error">
            {errors.enabled}
          </p>
        ) : null}
      </div>

      {errors.form ? (
        <Alert tone="error" title="Not saved" testId="sso-error">
          <p>{errors.form}</p>
        </Alert>
      ) : null}
      {refused.length > 0 ? (
        <Alert tone="error" title="Not saved" testId="sso-refused">
          <p>See what is marked above: {refused.map((field) => FIELD_LABELS[field]).join(', ')}.</p>
        </Alert>
      ) : null}
      <div className="actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy || !dirty}
          aria-busy={busy}
          data-testid="sso-save"
        >
          {busy ? 'Saving…' : 'Save'}
        </button>
        {dirty ? (
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => {
              setDraft(draftOf(saved));
              setReplacingSecret(false);
              setErrors({});
            }}
            data-testid="sso-revert"
          >
            Discard changes
          </button>
        ) : null}
        <span className="save-status" role="status" data-testid="sso-status">
          {dirty ? '' : (status ?? '')}
        </span>
      </div>
    </form>
  );
}
