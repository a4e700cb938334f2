import { useDraggable, useDroppable } from '@dnd-kit/core';
import type { ReactElement } from 'react';
import type { DealCard } from '../../../../common/domain/deals.js';
import { dealDropId } from './drag-geometry.js';
import { dealHref } from './deal-route.js';
import { formatCalendarDate, formatMoney } from './money.js';

/** What a card shows: name, amount, company, close date and contacts. */
export function DealCardBody({ deal }: { deal: DealCard }): ReactElement {
  const contacts = deal.contacts.map((c) => c.name);
  return (
    <>
      <span className="deal-card-amount" data-testid="deal-card-amount">
        {formatMoney(deal.amountMinor, deal.currency)}
      </span>
      {deal.company ? <span className="deal-card-company">{deal.company.name}</span> : null}
      <span className="deal-card-meta">
        {deal.closeDate ? <span title="Expected close date">Closes {formatCalendarDate(deal.closeDate)}</span> : null}
        {contacts.length > 0 ? (
          <span title={contacts.join(', ')}>
            {contacts.slice(0, 2).join(', ')}
            {contacts.length > 2 ? ` +${contacts.length - 2}` : ''}
          </span>
        ) : null}
      </span>
    </>
  );
}

/**
 * A card on the board. The whole card can be dragged with the mouse; the grip is the keyboard's
 * way (Space or Enter picks it up, arrows move it, Space drops, Escape cancels), and the name is
 * a link that opens the deal. Pointer and keyboard listeners are split so the link stays a link.
 */
export function DealCardView({ deal, dragging }: { deal: DealCard; dragging: boolean }): ReactElement {
  const id = dealDropId(deal.id);
  const draggable = useDraggable({ id, data: { stageId: deal.stageId } });
  const droppable = useDroppable({ id, data: { stageId: deal.stageId } });
  const { onKeyDown, onPointerDown } = (draggable.listeners ?? {}) as {
    onKeyDown?: React.KeyboardEventHandler;
    onPointerDown?: React.PointerEventHandler;
  };
  return (
    <li
      ref={(node) => {
        draggable.setNodeRef(node);
        droppable.setNodeRef(node);
      }}
      className={dragging ? 'deal-card deal-card-placeholder' : 'deal-card'}
      data-testid="deal-card"
      data-deal-id={deal.id}
      onPointerDown={onPointerDown}
    >
      <div className="deal-card-head">
        <a className="deal-card-name" href={dealHref(deal.id)} draggable={false}>
          {deal.name}
        </a>
        <button
          type="button"
          className="deal-card-grip"
          {...draggable.attributes}
          aria-roledescription="draggable deal"
          aria-label={`Move ${deal.name}`}
          onKeyDown={onKeyDown}
          data-testid="deal-card-grip"
        >
          <GripIcon />
        </button>
      </div>
      <DealCardBody deal={deal} />
    </li>
  );
}

function GripIcon(): ReactElement {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" fill="currentColor">
      {[3, 7, 11].flatMap((y) => [4.5, 9.5].map((x) => <circle key={`${x}-${y}`} cx={x} cy={y} r="1.2" />))}
    </svg>
  );
}
