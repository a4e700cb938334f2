import { useCallback, type ReactElement } from 'react';
import type { CompanyDetail, UpdateCompanyInput } from '../../../../common/domain/records.js';
import { call } from '../../api/call.js';
import { BuildingIcon } from '../../components/icons.js';
import { hrefFor, recordHref } from '../../frame/routes.js';
import { formatCount } from '../../lib/format.js';
import { CustomFieldPairs } from './CustomFieldsEditor.js';
import { RecordForm, useRecordForm } from './RecordForm.js';
import { RecordPageFrame } from './RecordPageFrame.js';
import { RecordError, RecordLoading, RecordNotFound } from './RecordStates.js';
import { useRecord } from './useRecord.js';

/** '#/companies/<id>': the company, its people and everything that happened with them. */
export function CompanyPage({ id }: { id: number }): ReactElement {
  const read = useCallback(() => call('companies.get', { id }), [id]);
  const { load, reload, replace } = useRecord(read);

  if (load.status === 'loading') return <RecordLoading label="Loading the company" />;
  if (load.status === 'not-found') return <RecordNotFound what="company" listHref={hrefFor('companies')} />;
  if (load.status === 'error') return <RecordError what="company" error={load.error} onRetry={reload} />;
  const company = load.value;

  return (
    <RecordPageFrame
      record={{ type: 'company', id: company.id }}
      back={{ href: hrefFor('companies'), label: 'Companies' }}
      avatar={
        <span className="avatar avatar-large avatar-square" aria-hidden="true">
          <BuildingIcon size={22} />
        </span>
      }
      name={company.name}
      subtitle={company.domain}
      details={
        <section className="card record-details" aria-label="Details" data-testid="company-details">
          <dl className="record-fields">
            <dt>Domain</dt>
            <dd>{company.domain}</dd>
            <dt>Owner</dt>
            <dd>{company.owner ?? <span className="text-secondary">—</span>}</dd>
            <dt>Added</dt>
            <dd>{company.source === 'mail' ? 'From email' : 'By hand'}</dd>
            <CustomFieldPairs fields={company.customFields} />
          </dl>
        </section>
      }
      form={(close) => (
        <CompanyForm
          company={company}
          onCancel={close}
          onSaved={(saved) => {
            replace(saved);
            close();
          }}
        />
      )}
      side={<People company={company} />}
    />
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
  const form = useRecordForm(company, onSaved);
  const submit = (): void => {
    const input: UpdateCompanyInput = { id: company.id, ...form.changes() };
    form.save(call('companies.update', input));
  };
  return <RecordForm kind="company" form={form} onSubmit={submit} onCancel={onCancel} />;
}
