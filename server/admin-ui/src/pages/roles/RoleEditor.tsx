import { useState, type FormEvent, type ReactElement } from 'react';
import type { RoleView } from '../../../../../common/api/server-admin.js';
import { EmailVisibility } from '../../../../../common/rbac/permissions.js';
import { Alert } from '../../../../../ui/Alert.js';
import { ConfirmDialog } from '../../../../../ui/ConfirmDialog.js';
import { api } from '../../api/admin.js';
import { FieldRulesEditor } from './FieldRulesEditor.js';
import { EMAIL_VISIBILITY_LABELS } from './labels.js';
import { PermissionMatrix } from './PermissionMatrix.js';
import { draftOf, sameDraft, type RoleDraft } from './role-draft.js';

/**
 * One role's name, permission matrix, hidden fields and email visibility, saved together. A change
 * reaches each holder's desktop at its next policy fetch (the compiled rights differ, so the
 * version goes up).
 */
export function RoleEditor({
  role,
  holders,
  onSaved,
  onDeleted,
}: {
  role: RoleView | undefined;
  /** How many users hold the role, when known: a held role is not deleted (the server says so too). */
  holders: number | undefined;
  onSaved: (role: RoleView) => void;
  onDeleted: () => void;
}): ReactElement {
  const [saved, setSaved] = useState<RoleDraft>(() => draftOf(role));
  const [draft, setDraft] = useState<RoleDraft>(saved);
  const [failure, setFailure] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const dirty = !sameDraft(draft, saved) || !role;

  async function remove(): Promise<void> {
    setConfirming(false);
    if (!role) return;
    setFailure(undefined);
    const result = await api.deleteRole(role.id);
    if (!result.ok) return setFailure(result.error.message);
    onDeleted();
  }

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!draft.name.trim()) return setFailure('Give the role a name.');
    setBusy(true);
    setFailure(undefined);
    setStatus(undefined);
    const result = role ? await api.updateRole(role.id, draft) : await api.createRole(draft);
    setBusy(false);
    if (!result.ok) return setFailure(result.error.message);
    const next = draftOf(result.value);
    setSaved(next);
    setDraft(next);
    setStatus(role ? 'Saved. Desktops get the change at their next policy fetch.' : 'Role created.');
    onSaved(result.value);
  }

  return (
    <form className="card editor-card" onSubmit={(event) => void save(event)} data-testid="role-editor">
      <div className="editor-head">
        <div className="field field-grow">
          <label className="field-label" htmlFor="role-name">
            Role name
          </label>
          <input
            id="role-name"
            className="input"
            value={draft.name}
            maxLength={100}
            onChange={(event) => setDraft({ ...draft, name: event.target.value })}
            data-testid="role-name"
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="role-email-visibility">
            Email visibility
          </label>
          <select
            id="role-email-visibility"
            className="input select"
            value={draft.emailVisibility}
            onChange={(event) => setDraft({ ...draft, emailVisibility: EmailVisibility.parse(event.target.value) })}
            data-testid="role-email-visibility"
          >
            {EmailVisibility.options.map((option) => (
              <option key={option} value={option}>
                {EMAIL_VISIBILITY_LABELS[option]}
              </option>
            ))}
          </select>
        </div>
      </div>

      <h3 className="section-label" id="matrix-title">
        Permissions
      </h3>
      <p className="field-hint matrix-hint">
        For each kind of record and action: nobody&apos;s (none), the user&apos;s own, their teams&apos; (teams they
        manage, with sub-teams), or all.
      </p>
      <PermissionMatrix
        permissions={draft.permissions}
        onChange={(permissions) => setDraft({ ...draft, permissions })}
      />

      <FieldRulesEditor rules={draft.fieldRules} onChange={(fieldRules) => setDraft({ ...draft, fieldRules })} />

      {failure ? (
        <Alert tone="error" testId="role-error">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <div className="actions editor-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy || !dirty}
          aria-busy={busy}
          data-testid="role-save"
        >
          {role ? 'Save role' : 'Create role'}
        </button>
        {role && dirty ? (
          <button type="button" className="btn btn-secondary" onClick={() => setDraft(saved)} data-testid="role-revert">
            Discard changes
          </button>
        ) : null}
        <span className="save-status" role="status" data-testid="role-status">
          {dirty && role ? 'Unsaved changes' : (status ?? '')}
        </span>
        {role ? (
          <button
            type="button"
            className="btn btn-secondary editor-delete"
            disabled={holders !== undefined && holders > 0}
            title={
              holders ? `Held by ${holders} ${holders === 1 ? 'user' : 'users'}: take it from them first.` : undefined
            }
            onClick={() => setConfirming(true)}
            data-testid="role-delete"
          >
            Delete role…
          </button>
        ) : null}
      </div>
      {role && holders ? (
        <p className="field-hint" data-testid="role-holders">
          Held by {holders} {holders === 1 ? 'user' : 'users'}. A role can be deleted once nobody holds it.
        </p>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title={`Delete “${role?.name ?? ''}”?`}
        confirmLabel="Delete role"
        danger
        onConfirm={() => void remove()}
        onCancel={() => setConfirming(false)}
      >
        <p>Nobody holds it, so no one&apos;s rights change. The audit log keeps what it allowed.</p>
      </ConfirmDialog>
    </form>
  );
}
