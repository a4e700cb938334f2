import { useState, type FormEvent, type ReactElement, type ReactNode } from 'react';
import type { Result } from '../../../../common/result.js';
import { Field } from '../../../../ui/Field.js';
import { CustomFieldsEditor, fieldsFrom, rowsFrom, type FieldRow } from './CustomFieldsEditor.js';

/** What the contact and company edit forms have in common. */
type Editable = { id: number; name: string; owner: string | null; customFields: Record<string, unknown> };

type CommonChanges = { name?: string; owner?: string | null; customFields?: Record<string, unknown> };

export type RecordFormState<T extends Editable> = {
  name: string;
  setName: (name: string) => void;
  owner: string;
  setOwner: (owner: string) => void;
  rows: FieldRow[];
  setRows: (rows: FieldRow[]) => void;
  saving: boolean;
  error: string | null;
  /**
   * The name, owner and custom fields, each only if it changed: saving another field must not turn
   * a name made from the address into a typed one (which would stop a display name seen later from
   * replacing it).
   */
  changes: () => CommonChanges;
  /** Sends the update; the saved record goes to `onSaved`, a failure shows under the name. */
  save: (update: Promise<Result<T>>) => void;
};

/** The state of a contact's or company's edit form: name, owner and custom fields, and the save. */
export function useRecordForm<T extends Editable>(record: T, onSaved: (saved: T) => void): RecordFormState<T> {
  const [name, setName] = useState(record.name);
  const [owner, setOwner] = useState(record.owner ?? '');
  const [rows, setRows] = useState<FieldRow[]>(() => rowsFrom(record.customFields));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const changes = (): CommonChanges => {
    const changed: CommonChanges = {};
    if (name.trim() !== record.name) changed.name = name.trim();
    if (owner.trim() !== (record.owner ?? '')) changed.owner = owner.trim() || null;
    const fields = fieldsFrom(rows, record.customFields);
    if (JSON.stringify(fields) !== JSON.stringify(record.customFields)) changed.customFields = fields;
    return changed;
  };

  const save = (update: Promise<Result<T>>): void => {
    setSaving(true);
    void update.then((result) => {
      setSaving(false);
      if (result.ok) onSaved(result.value);
      else setError(result.error.message);
    });
  };

  return { name, setName, owner, setOwner, rows, setRows, saving, error, changes, save };
}

/**
 * The edit form's frame: the name first, then the kind's own fields (`children`), the owner, the
 * custom fields and Save/Cancel. Ids and test ids start with `kind` ('contact-name', 'company-save').
 */
export function RecordForm<T extends Editable>({
  kind,
  form,
  onSubmit,
  onCancel,
  children,
}: {
  kind: 'contact' | 'company';
  form: RecordFormState<T>;
  onSubmit: () => void;
  onCancel: () => void;
  children?: ReactNode;
}): ReactElement {
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form className="card record-form" onSubmit={submit} data-testid={`${kind}-form`}>
      <Field id={`${kind}-name`} label="Name" error={form.error ?? undefined}>
        {(control) => (
          <input
            {...control}
            className="input"
            value={form.name}
            onChange={(event) => form.setName(event.target.value)}
            required
            maxLength={200}
          />
        )}
      </Field>
      {children}
      <Field id={`${kind}-owner`} label="Owner">
        {(control) => (
          <input
            {...control}
            className="input"
            value={form.owner}
            onChange={(event) => form.setOwner(event.target.value)}
          />
        )}
      </Field>
      <CustomFieldsEditor rows={form.rows} onChange={form.setRows} />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={form.saving} data-testid={`${kind}-save`}>
          Save
        </button>
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
