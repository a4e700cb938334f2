import { useCallback, useState, type FormEvent, type ReactElement } from 'react';
import type { CompanyDetail, UpdateCompanyInput } from '../../../../common/domain/records.js';
import { call } from '../../api/call.js';
import { Field } from '../../components/Field.js';
import { BuildingIcon } from '../../components/icons.js';
import { hrefFor, recordHref } from '../../frame/routes.js';
import { formatCount } from '../../lib/format.js';
import { CustomFieldsEditor, displayValue, fieldsFrom, rowsFrom, type FieldRow } from './CustomFieldsEditor.js';
import { RecordTimeline } from './RecordTimeline.js';
import { RecordError, RecordLoading, RecordNotFound } from './RecordStates.js';
import { useRecord } from './useRecord.js';

/** '#/companies/<id>': the company, its people and everything that happened with them. */
export function CompanyPage({ id }: { id: number }): ReactElement {
  const read = useCallback(() => call('companies.get', { id }), [id]);
  const { load, reload, replace } = useRecord(read);
  const [editing, setEditing] = useState(false);

  if (load.status === 'loading') return <RecordLoading label="Loading the company" />;
  if (load.status === 'not-found') return <RecordNotFound what="company" listHref={hrefFor('companies')} />;
  if (load.status === 'error') return <RecordError what="company" error={load.error} onRetry={reload} />;
  const company = load.value;

  return (
    <div className="page page-record" data-testid="page-company" data-company-id={company.id}>
      <a className="record-back" href={hrefFor('companies')}>
        ← Companies
      </a>
      <header className="record-header">
        <span className="avatar avatar-large avatar-square" aria-hidden="true">
          <BuildingIcon size={22} />
        </span>
        <div className="record-heading">
          <h2 className="record-name" data-testid="record-name">
            {company.name}
          </h2>
          <p className="record-subtitle">{company.domain}</p>
        </div>
        {!editing ? (
          <button
            type="button"
            className="btn btn-secondary btn-small record-edit"
            onClick={() => setEditing(true)}
            data-testid="company-edit"
          >
            Edit
          </button>
        ) : null}
      </header>
      <div className="record-layout">
        <div className="record-side">
          {editing ? (
            <CompanyForm
              company={company}
              onCancel={() => setEditing(false)}
              onSaved={(saved) => {
                replace(saved);
                setEditing(false);
              }}
            />
          ) : (
            <section className="card record-details" aria-label="Details" data-testid="company-details">
              <dl className="record-fields">
                <dt>Domain</dt>
                <dd>{company.domain}</dd>
                <dt>Owner</dt>
                <dd>{company.owner ?? <span className="text-secondary">—</span>}</dd>
                <dt>Added</dt>
                <dd>{company.source === 'mail' ? 'From email' : 'By hand'}</dd>
                {Object.entries(company.customFields).map(([key, value]) => (
                  <FieldPair key={key} name={key} value={displayValue(value)} />
                ))}
              </dl>
            </section>
          )}
          <People company={company} />
        </div>
        <RecordTimeline record={{ type: 'company', id: company.id }} />
      </div>
    </div>
  );
}

function FieldPair({ name, value }: { name: string; value: string }): ReactElement {
  return (
    <>
      <dt>{name}</dt>
      <dd>{value}</dd>
    </>
  );
}

function People({ company }: { company: CompanyDetail }): ReactElement {
  return (
    <section className="card record-people" aria-labelledby="company-people-title" data-testid="company-people">
      <h3 className="card-title" id="company-people-title">
        People <span className="text-secondary">{formatCount(company.contacts)}</span>
      </h3>
      {company.people.length === 0 ? (
        <p className="text-secondary">No contacts at this company yet.</p>
      ) : (
        <ul className="plain-list record-people-list">
          {company.people.map((person) => (
            <li key={person.id}>
              <a href={recordHref('contact', person.id)} data-testid="company-person">
                {person.name}
              </a>
              <span className="text-secondary">{person.email}</span>
            </li>
          ))}
        </ul>
      )}
      {company.contacts > company.people.length ? (
        <p className="text-secondary">
          The {formatCount(company.people.length)} most recently active of {formatCount(company.contacts)}.
        </p>
      ) : null}
    </section>
  );
}

function CompanyForm({
  company,
  onCancel,
  onSaved,
}: {
  company: CompanyDetail;
  onCancel: () => void;
  onSaved: (company: CompanyDetail) => void;
}): ReactElement {
  const [name, setName] = useState(company.name);
  const [owner, setOwner] = useState(company.owner ?? '');
  const [rows, setRows] = useState<FieldRow[]>(() => rowsFrom(company.customFields));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const input: UpdateCompanyInput = { id: company.id };
    if (name.trim() !== company.name) input.name = name.trim();
    if (owner.trim() !== (company.owner ?? '')) input.owner = owner.trim() || null;
    const fields = fieldsFrom(rows, company.customFields);
    if (JSON.stringify(fields) !== JSON.stringify(company.customFields)) input.customFields = fields;
    setSaving(true);
    void call('companies.update', input).then((result) => {
      setSaving(false);
      if (result.ok) onSaved(result.value);
      else setError(result.error.message);
    });
  };

  return (
    <form className="card record-form" onSubmit={submit} data-testid="company-form">
      <Field id="company-name" label="Name" error={error ?? undefined}>
        {(control) => (
          <input
            {...control}
            className="input"
            value={name}
            onChange={(event) => setName(event.target.value)}
            required
            maxLength={200}
          />
        )}
      </Field>
      <Field id="company-owner" label="Owner">
        {(control) => (
          <input {...control} className="input" value={owner} onChange={(event) => setOwner(event.target.value)} />
        )}
      </Field>
      <CustomFieldsEditor rows={rows} onChange={setRows} />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={saving} data-testid="company-save">
          Save
        </button>
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
