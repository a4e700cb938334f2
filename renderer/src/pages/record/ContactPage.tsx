import { useCallback, useState, type ReactElement } from 'react';
import type { ContactDetail, LinkExplanation } from '../../../../common/domain/crm.js';
import type { UpdateContactInput } from '../../../../common/domain/records.js';
import { Field } from '../../../../ui/Field.js';
import { call } from '../../api/call.js';
import { hrefFor, recordHref } from '../../frame/routes.js';
import { formatCount } from '../../lib/format.js';
import { CustomFieldPairs } from './CustomFieldsEditor.js';
import { RecordForm, useRecordForm } from './RecordForm.js';
import { RecordPageFrame } from './RecordPageFrame.js';
import { RecordError, RecordLoading, RecordNotFound } from './RecordStates.js';
import { useRecord } from './useRecord.js';

const STAGES = ['subscriber', 'lead', 'qualified', 'opportunity', 'customer', 'evangelist', 'other'];

/** '#/contacts/<id>': who the contact is, why it is one, and everything that happened with it. */
export function ContactPage({ id }: { id: number }): ReactElement {
  const read = useCallback(() => call('contacts.get', { id }), [id]);
  const { load, reload, replace } = useRecord(read);

  if (load.status === 'loading') return <RecordLoading label="Loading the contact" />;
  if (load.status === 'not-found') return <RecordNotFound what="contact" listHref={hrefFor('contacts')} />;
  if (load.status === 'error') return <RecordError what="contact" error={load.error} onRetry={reload} />;
  const contact = load.value;

  return (
    <RecordPageFrame
      record={{ type: 'contact', id: contact.id }}
      back={{ href: hrefFor('contacts'), label: 'Contacts' }}
      avatar={
        <span className="avatar avatar-large" aria-hidden="true">
          {initials(contact.name)}
        </span>
      }
      name={contact.name}
      subtitle={
        <>
          {contact.title}
          {contact.title && contact.company ? ' at ' : null}
          {contact.company ? (
            <a href={recordHref('company', contact.company.id)} data-testid="contact-company">
              {contact.company.name}
            </a>
          ) : null}
          {!contact.title && !contact.company ? contact.email : null}
        </>
      }
      badge={contact.lifecycleStage ? <span className="badge badge-accent">{contact.lifecycleStage}</span> : null}
      details={<ContactDetails contact={contact} />}
      form={(close) => (
        <ContactForm
          contact={contact}
          onCancel={close}
          onSaved={(saved) => {
            replace(saved);
            close();
          }}
        />
      )}
      side={<WhyContact emails={contact.emails} />}
    />
  );
}

function ContactDetails({ contact }: { contact: ContactDetail }): ReactElement {
  return (
    <section className="card record-details" aria-label="Details" data-testid="contact-details">
      <dl className="record-fields">
        <dt>Email</dt>
        <dd>
          <ul className="plain-list">
            {contact.emails.map((email) => (
              <li key={email}>
                <a href={`mailto:${email}`}>{email}</a>
              </li>
            ))}
          </ul>
        </dd>
        <dt>Phone</dt>
        <dd>{contact.phones.length ? contact.phones.join(', ') : <Missing />}</dd>
        <dt>Title</dt>
        <dd>{contact.title ?? <Missing />}</dd>
        <dt>Company</dt>
        <dd>
          {contact.company ? (
            <a href={recordHref('company', contact.company.id)}>{contact.company.name}</a>
          ) : (
            <Missing />
          )}
        </dd>
        <dt>Lifecycle stage</dt>
        <dd>{contact.lifecycleStage ?? <Missing />}</dd>
        <dt>Owner</dt>
        <dd>{contact.owner ?? <Missing />}</dd>
        <dt>Emails</dt>
        <dd data-testid="contact-message-count">
          {formatCount(contact.messages)} ({formatCount(contact.recentMessages)} in the last 90 days)
        </dd>
        <CustomFieldPairs fields={contact.customFields} />
      </dl>
    </section>
  );
}

function Missing(): ReactElement {
  return <span className="text-secondary">—</span>;
}

function ContactForm({
  contact,
  onCancel,
  onSaved,
}: {
  contact: ContactDetail;
  onCancel: () => void;
  onSaved: (contact: ContactDetail) => void;
}): ReactElement {
  const form = useRecordForm(contact, onSaved);
  const [title, setTitle] = useState(contact.title ?? '');
  const [phones, setPhones] = useState(contact.phones.join('\n'));
  const [stage, setStage] = useState(contact.lifecycleStage ?? '');

  const submit = (): void => {
    // Only what changed is sent (see useRecordForm's changes).
    const input: UpdateContactInput = { id: contact.id, ...form.changes() };
    if (title.trim() !== (contact.title ?? '')) input.title = title.trim() || null;
    const phoneList = phones
      .split('\n')
      .map((phone) => phone.trim())
      .filter(Boolean);
    if (phoneList.join('\n') !== contact.phones.join('\n')) input.phones = phoneList;
    if (stage.trim() !== (contact.lifecycleStage ?? '')) input.lifecycleStage = stage.trim() || null;
    form.save(call('contacts.update', input));
  };

  return (
    <RecordForm kind="contact" form={form} onSubmit={submit} onCancel={onCancel}>
      <Field id="contact-title" label="Title">
        {(control) => (
          <input {...control} className="input" value={title} onChange={(event) => setTitle(event.target.value)} />
        )}
      </Field>
      <Field id="contact-phones" label="Phones" hint="One per line">
        {(control) => (
          <textarea
            {...control}
            className="input"
            rows={2}
            value={phones}
            onChange={(event) => setPhones(event.target.value)}
          />
        )}
      </Field>
      <Field id="contact-stage" label="Lifecycle stage">
        {(control) => (
          <>
            <input
              {...control}
              className="input"
              list="contact-stage-options"
              value={stage}
              onChange={(event) => setStage(event.target.value)}
            />
            <datalist id="contact-stage-options">
              {STAGES.map((option) => (
                <option key={option} value={option} />
              ))}
            </datalist>
          </>
        )}
      </Field>
    </RecordForm>
  );
}

/** "Why is this a contact?": the rule that decided, for each of its addresses. */
function WhyContact({ emails }: { emails: string[] }): ReactElement {
  const [answers, setAnswers] = useState<LinkExplanation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const ask = (): void => {
    setAsking(true);
    void Promise.all(emails.map((address) => call('contacts.explain', { address }))).then((results) => {
      setAsking(false);
      const failed = results.find((result) => !result.ok);
      if (failed && !failed.ok) {
        setError(failed.error.message);
        return;
      }
      setError(null);
      setAnswers(results.flatMap((result) => (result.ok ? [result.value] : [])));
    });
  };
  return (
    <section className="card record-why" aria-label="Why is this a contact?" data-testid="contact-why">
      {answers === null ? (
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={ask}
          disabled={asking}
          data-testid="contact-why-ask"
        >
          Why is this a contact?
        </button>
      ) : (
        <>
          <h3 className="card-title">Why is this a contact?</h3>
          <ul className="plain-list record-why-list">
            {answers.map((answer) => (
              <li key={answer.address} data-testid="contact-why-answer">
                <span className="record-why-address">{answer.address}</span>
                <span className="tag">{answer.rule}</span>
                <p>{answer.explanation}</p>
                {answer.companyExplanation ? <p className="text-secondary">{answer.companyExplanation}</p> : null}
              </li>
            ))}
          </ul>
        </>
      )}
      {error ? <p className="field-error">{error}</p> : null}
    </section>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase() || '?';
}
