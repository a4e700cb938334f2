import { useCallback, useEffect, useId, useRef, useState, type ReactElement } from 'react';
import type { Deal } from '../../../../common/domain/deals.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { ConfirmDialog } from '../../../../ui/ConfirmDialog.js';
import { Spinner } from '../../../../ui/Spinner.js';
import { call } from '../../api/call.js';
import { hrefFor, recordHref } from '../../frame/routes.js';
import { useCanCall } from '../../policy/PolicyProvider.js';
import { RecordTimeline } from '../record/RecordTimeline.js';
import { DealForm, type DealFormValues } from './DealForm.js';
import { formatCalendarDate, formatMoney } from './money.js';

/**
 * One deal in a panel beside the board: its details, an edit form, delete, and its notes, tasks
 * and timeline. Closing goes back to '#/deals' (a link, so Back reopens it); Escape closes too.
 */
export function DealDrawer({ dealId, onChanged }: { dealId: number; onChanged: () => void }): ReactElement {
  const titleId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [deal, setDeal] = useState<Deal | null>(null);
  const [error, setError] = useState<AppErrorShape | null>(null);
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const canEdit = useCanCall('deals.update');
  const canDelete = useCanCall('deals.delete');

  const load = useCallback(async () => {
    const result = await call('deals.get', { id: dealId });
    if (result.ok) {
      setDeal(result.value);
      setError(null);
    } else setError(result.error);
  }, [dealId]);
  const reload = useCallback(() => void load(), [load]);

  // The page keys the drawer by deal: another deal is a fresh drawer, so this runs once per deal.
  useEffect(() => {
    let stale = false;
    void call('deals.get', { id: dealId }).then((result) => {
      if (stale) return;
      if (result.ok) setDeal(result.value);
      else setError(result.error);
    });
    return () => {
      stale = true;
    };
  }, [dealId]);

  useEffect(() => {
    if (deal) heading.current?.focus();
  }, [deal?.id]); // eslint-disable-line react-hooks/exhaustive-deps -- focus once per opened deal

  const close = () => window.location.assign(hrefFor('deals'));

  const save = async (values: DealFormValues): Promise<string | null> => {
    const result = await call('deals.update', {
      id: dealId,
      name: values.name,
      amountMinor: values.amountMinor,
      currency: values.currency,
      closeDate: values.closeDate,
      companyId: values.companyId,
      contactIds: values.contactIds,
    });
    if (!result.ok) return result.error.message;
    setDeal(result.value);
    setEditing(false);
    onChanged();
    return null;
  };

  const remove = async () => {
    setConfirmDelete(false);
    const result = await call('deals.delete', { id: dealId });
    if (!result.ok) {
      setError(result.error);
      return;
    }
    onChanged();
    close();
  };

  return (
    <aside
      className="deal-drawer"
      aria-labelledby={titleId}
      data-testid="deal-drawer"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !confirmDelete) close();
      }}
    >
      <div className="deal-drawer-top">
        <h2 className="deal-drawer-title" id={titleId} ref={heading} tabIndex={-1}>
          {deal?.name ?? 'Deal'}
        </h2>
        <a className="btn btn-secondary btn-small" href={hrefFor('deals')} aria-label="Close the deal">
          Close
        </a>
      </div>
      {error ? (
        <Alert
          tone="error"
          title={error.code === 'NOT_FOUND' ? 'This deal no longer exists' : 'The deal could not be loaded'}
        >
          <p>{error.message}</p>
        </Alert>
      ) : null}
      {!deal && !error ? <Spinner label="Loading the deal" /> : null}
      {deal && editing && canEdit ? (
        <DealForm deal={deal} submitLabel="Save" onSubmit={save} onCancel={() => setEditing(false)} />
      ) : null}
      {deal && !(editing && canEdit) ? (
        <>
          <dl className="deal-facts" data-testid="deal-facts">
            <dt>Amount</dt>
            <dd data-testid="deal-facts-amount">{formatMoney(deal.amountMinor, deal.currency)}</dd>
            <dt>Stage</dt>
            <dd data-testid="deal-facts-stage">
              <span
                className={`badge badge-${deal.stageKind === 'won' ? 'success' : deal.stageKind === 'lost' ? 'danger' : 'neutral'}`}
              >
                {deal.stageName}
              </span>
            </dd>
            <dt>Company</dt>
            <dd>{deal.company ? <a href={recordHref('company', deal.company.id)}>{deal.company.name}</a> : '—'}</dd>
            <dt>Close date</dt>
            <dd>{deal.closeDate ? formatCalendarDate(deal.closeDate) : '—'}</dd>
            <dt>Contacts</dt>
            <dd>
              {deal.contacts.length === 0
                ? '—'
                : deal.contacts.map((contact, index) => (
                    <span key={contact.id}>
                      {index > 0 ? ', ' : ''}
                      <a href={recordHref('contact', contact.id)}>{contact.name}</a>
                    </span>
                  ))}
            </dd>
          </dl>
          <div className="deal-drawer-actions">
            {canEdit ? (
              <button
                type="button"
                className="btn btn-secondary btn-small"
                onClick={() => setEditing(true)}
                data-testid="deal-edit"
              >
                Edit
              </button>
            ) : null}
            {canDelete ? (
              <button type="button" className="btn btn-danger btn-small" onClick={() => setConfirmDelete(true)}>
                Delete
              </button>
            ) : null}
          </div>
          <RecordTimeline record={{ type: 'deal', id: deal.id }} compact onChanged={reload} />
        </>
      ) : null}
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete “${deal?.name ?? 'this deal'}”?`}
        confirmLabel="Delete deal"
        danger
        onConfirm={() => void remove()}
        onCancel={() => setConfirmDelete(false)}
      >
        <p>Its notes, tasks and stage history are deleted with it. Its contacts and company stay.</p>
      </ConfirmDialog>
    </aside>
  );
}
