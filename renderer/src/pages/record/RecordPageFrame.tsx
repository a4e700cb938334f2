import { useState, type ReactElement, type ReactNode } from 'react';
import type { RecordRef } from '../../../../common/domain/timeline.js';
import { useCanCall } from '../../policy/PolicyProvider.js';
import { RecordTimeline } from './RecordTimeline.js';

/**
 * A contact's or company's page around what is its own: the way back to the list, the header with
 * an Edit button, the details (or the edit form while editing) over a side card, and the timeline.
 * Test ids follow the kind: 'page-contact', 'company-edit'.
 */
export function RecordPageFrame({
  record,
  back,
  avatar,
  name,
  subtitle,
  badge,
  details,
  form,
  side,
}: {
  record: RecordRef & { type: 'contact' | 'company' };
  back: { href: string; label: string };
  avatar: ReactNode;
  name: string;
  subtitle: ReactNode;
  badge?: ReactNode;
  details: ReactNode;
  /** The edit form; it calls `close` when saved or cancelled. */
  form: (close: () => void) => ReactNode;
  side: ReactNode;
}): ReactElement {
  const [editing, setEditing] = useState(false);
  const kind = record.type;
  // No edit form for a role that may not edit (the core refuses the update regardless).
  const canEdit = useCanCall(kind === 'contact' ? 'contacts.update' : 'companies.update');
  const showForm = editing && canEdit;
  return (
    <div className="page page-record" data-testid={`page-${kind}`} data-record-id={record.id}>
      <a className="record-back" href={back.href}>
        ← {back.label}
      </a>
      <header className="record-header">
        {avatar}
        <div className="record-heading">
          <h2 className="record-name" data-testid="record-name">
            {name}
          </h2>
          <p className="record-subtitle">{subtitle}</p>
        </div>
        {badge}
        {!showForm && canEdit ? (
          <button
            type="button"
            className="btn btn-secondary btn-small record-edit"
            onClick={() => setEditing(true)}
            data-testid={`${kind}-edit`}
          >
            Edit
          </button>
        ) : null}
      </header>
      <div className="record-layout">
        <div className="record-side">
          {showForm ? form(() => setEditing(false)) : details}
          {side}
        </div>
        <RecordTimeline record={record} />
      </div>
    </div>
  );
}
