import { Fragment, type ReactElement } from 'react';

export type FieldRow = { key: string; value: string };

/** Custom fields as editable rows; values other than text (set by an import) are shown as JSON. */
export function rowsFrom(fields: Record<string, unknown>): FieldRow[] {
  return Object.entries(fields).map(([key, value]) => ({
    key,
    value: typeof value === 'string' ? value : JSON.stringify(value),
  }));
}

/** The rows back as an object: blank names are dropped, an unchanged non-text value keeps its type. */
export function fieldsFrom(rows: FieldRow[], original: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (!key) continue;
    const before = original[key];
    fields[key] =
      before !== undefined && typeof before !== 'string' && JSON.stringify(before) === row.value ? before : row.value;
  }
  return fields;
}

export function displayValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A record's custom fields as name/value pairs inside its details' <dl>. */
export function CustomFieldPairs({ fields }: { fields: Record<string, unknown> }): ReactElement {
  return (
    <>
      {Object.entries(fields).map(([key, value]) => (
        <Fragment key={key}>
          <dt>{key}</dt>
          <dd>{displayValue(value)}</dd>
        </Fragment>
      ))}
    </>
  );
}

export function CustomFieldsEditor({
  rows,
  onChange,
}: {
  rows: FieldRow[];
  onChange: (rows: FieldRow[]) => void;
}): ReactElement {
  const update = (index: number, patch: Partial<FieldRow>): void =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className="form-fieldset custom-fields">
      <legend className="field-label">Custom fields</legend>
      {rows.map((row, index) => (
        <div className="custom-field-row" key={index}>
          <input
            className="input"
            aria-label={`Field ${index + 1} name`}
            placeholder="Name"
            value={row.key}
            onChange={(event) => update(index, { key: event.target.value })}
          />
          <input
            className="input"
            aria-label={`Field ${index + 1} value`}
            placeholder="Value"
            value={row.value}
            onChange={(event) => update(index, { value: event.target.value })}
          />
          <button
            type="button"
            className="btn btn-secondary btn-small"
            aria-label={`Remove field ${row.key || index + 1}`}
            onClick={() => onChange(rows.filter((_, i) => i !== index))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="btn btn-secondary btn-small"
        onClick={() => onChange([...rows, { key: '', value: '' }])}
      >
        Add a field
      </button>
    </fieldset>
  );
}
