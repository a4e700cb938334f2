import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type DragMoveEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { useRef, useState, type ReactElement } from 'react';
import type { Board, BoardColumn, DealCard } from '../../../../common/domain/deals.js';
import { boardCollision, boardKeyboardCoordinates, stageDropId, type DropTarget } from './drag-geometry.js';
import { DealCardBody, DealCardView } from './DealCardView.js';
import { formatMoney } from './money.js';

/** One column per stage with its count and totals per currency; cards move by mouse or keyboard. */
export function DealBoard({
  board,
  onMove,
}: {
  board: Board;
  onMove: (dealId: number, stageId: number, beforeId: number | null) => void;
}): ReactElement {
  const [active, setActive] = useState<DealCard | null>(null);
  const sensors = useSensors(
    // A few pixels of travel before a drag starts, so a click on the card's link stays a click.
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: boardKeyboardCoordinates }),
  );
  const deals = board.stages.flatMap((column) => column.deals);
  const dealOf = (id: string | number) => deals.find((d) => `deal:${d.id}` === String(id));
  const stageName = (stageId: number) => board.stages.find((c) => c.stage.id === stageId)?.stage.name ?? 'a stage';
  const describe = (target: DropTarget | undefined): string => {
    if (!target) return 'not over a stage';
    const before = target.beforeId === null ? null : deals.find((d) => d.id === target.beforeId);
    return `in ${stageName(target.stageId)}, ${before ? `before ${before.name}` : 'at the end'}`;
  };
  const targetOf = (collisions: { data?: Record<string, unknown> }[] | null): DropTarget | undefined =>
    collisions?.[0]?.data?.target as DropTarget | undefined;
  // Announcements get no collisions: the drag events keep the current target here for them.
  const target = useRef<DropTarget | undefined>(undefined);
  const announced = useRef('');
  const say = (text: string): string | undefined =>
    text === announced.current ? undefined : (announced.current = text);

  const announcements: Announcements = {
    onDragStart: ({ active: a }) =>
      say(`Picked up ${dealOf(a.id)?.name ?? 'deal'}. Arrow keys move it, Space drops it, Escape cancels.`),
    onDragMove: ({ active: a }) => say(`${dealOf(a.id)?.name ?? 'Deal'} is ${describe(target.current)}.`),
    onDragOver: ({ active: a }) => say(`${dealOf(a.id)?.name ?? 'Deal'} is ${describe(target.current)}.`),
    onDragEnd: ({ active: a }) => say(`${dealOf(a.id)?.name ?? 'Deal'} dropped ${describe(target.current)}.`),
    onDragCancel: ({ active: a }) =>
      say(`Moving ${dealOf(a.id)?.name ?? 'deal'} was cancelled; it is back where it was.`),
  };

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={boardCollision}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable:
            'To move a deal, press Space or Enter on its grip. Left and right arrows change the stage, up and down change its place. Space or Enter drops it, Escape cancels.',
        },
      }}
      onDragStart={(event: DragStartEvent) => {
        target.current = undefined;
        setActive(dealOf(event.active.id) ?? null);
      }}
      onDragMove={(event: DragMoveEvent) => {
        target.current = targetOf(event.collisions);
      }}
      onDragCancel={() => setActive(null)}
      onDragEnd={(event: DragEndEvent) => {
        setActive(null);
        const dropped = targetOf(event.collisions);
        target.current = dropped;
        const deal = dealOf(event.active.id);
        if (deal && dropped) onMove(deal.id, dropped.stageId, dropped.beforeId);
      }}
    >
      <div className="deal-board" data-testid="deal-board">
        {board.stages.map((column) => (
          <StageColumn key={column.stage.id} column={column} activeId={active?.id ?? null} />
        ))}
      </div>
      <DragOverlay dropAnimation={null}>
        {active ? (
          <div className="deal-card deal-card-overlay">
            <div className="deal-card-head">
              <span className="deal-card-name">{active.name}</span>
            </div>
            <DealCardBody deal={active} />
          </div>
        ) : null}
      </DragOverlay>
    </DndContext>
  );
}

function StageColumn({ column, activeId }: { column: BoardColumn; activeId: number | null }): ReactElement {
  const { setNodeRef, isOver } = useDroppable({ id: stageDropId(column.stage.id) });
  const headingId = `stage-${column.stage.id}-heading`;
  return (
    <section
      ref={setNodeRef}
      className={`deal-column deal-column-${column.stage.kind}${isOver ? ' deal-column-over' : ''}`}
      aria-labelledby={headingId}
      data-testid="deal-column"
      data-stage-id={column.stage.id}
      data-stage-name={column.stage.name}
    >
      <header className="deal-column-header">
        <h2 className="deal-column-title" id={headingId}>
          {column.stage.name}
          <span className="deal-column-count" data-testid="deal-column-count" aria-label={`${column.count} deals`}>
            {column.count}
          </span>
        </h2>
        <p className="deal-column-totals" data-testid="deal-column-totals">
          {column.totals.length === 0
            ? '—'
            : column.totals.map((total) => (
                <span key={total.currency} className="deal-column-total">
                  {formatMoney(total.amountMinor, total.currency)}
                </span>
              ))}
        </p>
      </header>
      <ol className="deal-column-cards" aria-label={`Deals in ${column.stage.name}`}>
        {column.deals.map((deal) => (
          <DealCardView key={deal.id} deal={deal} dragging={deal.id === activeId} />
        ))}
      </ol>
    </section>
  );
}
