import {
  KeyboardCode,
  type ClientRect,
  type CollisionDetection,
  type DroppableContainer,
  type KeyboardCoordinateGetter,
} from '@dnd-kit/core';

/**
 * Where a dragged card would land, worked out the same way for the mouse and the keyboard:
 * the column under the point (only its x counts, so the space below the last card is that
 * column's end), then before the first card of that column whose middle is below the point.
 *
 * Droppable ids: 'stage:<id>' for columns, 'deal:<id>' for cards (data: { stageId }); a card's
 * draggable id is its droppable id too (dnd-kit keeps the two apart).
 */
export type DropTarget = { stageId: number; beforeId: number | null };

export const stageDropId = (stageId: number): string => `stage:${stageId}`;
export const dealDropId = (dealId: number): string => `deal:${dealId}`;
const idOf = (dropId: string | number): number => Number(String(dropId).split(':')[1]);

type Point = { x: number; y: number };
const centerOf = (rect: ClientRect): Point => ({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 });

function columns(containers: DroppableContainer[]): { container: DroppableContainer; rect: ClientRect }[] {
  return containers
    .filter((c) => String(c.id).startsWith('stage:') && c.rect.current)
    .map((container) => ({ container, rect: container.rect.current! }))
    .sort((a, b) => a.rect.left - b.rect.left);
}

/** The cards of a column but the dragged one, top to bottom. */
function cardsOf(
  containers: DroppableContainer[],
  stageId: number,
  activeId: string | number,
): { dealId: number; rect: ClientRect }[] {
  return containers
    .filter((c) => String(c.id).startsWith('deal:') && c.id !== activeId && c.data.current?.stageId === stageId)
    .flatMap((c) => (c.rect.current ? [{ dealId: idOf(c.id), rect: c.rect.current }] : []))
    .sort((a, b) => a.rect.top - b.rect.top);
}

function columnAt(containers: DroppableContainer[], point: Point) {
  return columns(containers).find(({ rect }) => point.x >= rect.left && point.x <= rect.right) ?? null;
}

/** The drop target at a point, or null when the point is over no column. */
export function targetAt(containers: DroppableContainer[], point: Point, activeId: string | number): DropTarget | null {
  const column = columnAt(containers, point);
  if (!column) return null;
  const stageId = idOf(column.container.id);
  const next = cardsOf(containers, stageId, activeId).find(({ rect }) => centerOf(rect).y > point.y);
  return { stageId, beforeId: next ? next.dealId : null };
}

/**
 * Collision detection for dnd-kit: one collision, the column, carrying the drop target as its
 * data (onDragEnd reads event.collisions[0].data.target). The point is the pointer for the mouse
 * and the middle of the dragged card for the keyboard.
 */
export const boardCollision: CollisionDetection = ({
  droppableContainers,
  pointerCoordinates,
  collisionRect,
  active,
}) => {
  const point = pointerCoordinates ?? centerOf(collisionRect);
  const target = targetAt(droppableContainers, point, active.id);
  return target ? [{ id: stageDropId(target.stageId), data: { target } }] : [];
};

/**
 * Arrow keys move the dragged card a whole step: Left/Right to the neighbouring column (at the
 * same height), Up/Down past the previous/next card of its column. Coordinates are the dragged
 * card's top-left, as dnd-kit's KeyboardSensor expects.
 */
export const boardKeyboardCoordinates: KeyboardCoordinateGetter = (event, { context, currentCoordinates }) => {
  const { collisionRect, droppableContainers, active } = context;
  if (!collisionRect || !active) return undefined;
  const containers = droppableContainers.getEnabled();
  const center = centerOf(collisionRect);
  const all = columns(containers);
  const index = all.findIndex(({ rect }) => center.x >= rect.left && center.x <= rect.right);
  const code = event.code as KeyboardCode;
  switch (code) {
    case KeyboardCode.Right:
    case KeyboardCode.Left: {
      event.preventDefault();
      const next = all[index + (code === KeyboardCode.Right ? 1 : -1)];
      if (!next || index === -1) return currentCoordinates;
      return { x: next.rect.left + (next.rect.width - collisionRect.width) / 2, y: currentCoordinates.y };
    }
    case KeyboardCode.Down:
    case KeyboardCode.Up: {
      event.preventDefault();
      const column = all[index];
      if (!column) return currentCoordinates;
      const centers = cardsOf(containers, idOf(column.container.id), active.id).map(({ rect }) => centerOf(rect).y);
      const y =
        code === KeyboardCode.Down
          ? centers.find((c) => c > center.y + 0.5)
          : [...centers].reverse().find((c) => c < center.y - 0.5);
      if (y === undefined) return currentCoordinates;
      // Just past that card's middle: the card now counts as above (Down) or below (Up) the dragged one.
      const newCenter = code === KeyboardCode.Down ? y + 1 : y - 1;
      return { x: currentCoordinates.x, y: newCenter - collisionRect.height / 2 };
    }
    default:
      return undefined;
  }
};
