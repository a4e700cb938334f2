import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type ReactElement, type ReactNode } from 'react';
import { Spinner } from '../../../../ui/Spinner.js';

export const TABLE_ROW_HEIGHT = 44;
/** Start loading the next page this many rows before the end of what is loaded. */
const PREFETCH_ROWS = 60;

export type TableColumn<T> = { key: string; header: string; render: (item: T) => ReactNode };

/**
 * A table of any length: only the rows in view (plus some overscan) are in the DOM, so 50,000
 * loaded rows scroll like 50. Pages load as the end of the loaded rows comes into view.
 */
export function VirtualTable<T extends { id: number }>({
  items,
  hasMore,
  loadMore,
  columns,
  gridClass,
  hrefOf,
  labelOf,
  selected,
  onToggle,
  testId,
}: {
  items: T[];
  hasMore: boolean;
  loadMore: () => void;
  columns: TableColumn<T>[];
  /** The class that sets the grid's column widths (the checkbox column first). */
  gridClass: string;
  hrefOf: (item: T) => string;
  labelOf: (item: T) => string;
  selected: ReadonlySet<number>;
  onToggle: (id: number) => void;
  testId: string;
}): ReactElement {
  const scroller = useRef<HTMLDivElement>(null);
  const count = items.length + (hasMore ? 1 : 0);
  // TanStack Virtual hands out fresh functions on every render (see TimelinePage).
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => TABLE_ROW_HEIGHT,
    overscan: 16,
  });
  const rows = virtualizer.getVirtualItems();
  const lastVisible = rows.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasMore && lastVisible >= items.length - PREFETCH_ROWS) loadMore();
  }, [hasMore, lastVisible, items.length, loadMore]);

  return (
    <div className="records-table" role="table" aria-rowcount={hasMore ? -1 : items.length + 1}>
      <div className={`records-row records-head ${gridClass}`} role="row">
        <span role="columnheader" className="records-check">
          <span className="sr-only">Select</span>
        </span>
        {columns.map((column) => (
          <span key={column.key} role="columnheader" className="records-cell">
            {column.header}
          </span>
        ))}
      </div>
      <div className="records-scroller" ref={scroller} data-testid={`${testId}-list`} role="rowgroup">
        <div
          className="records-canvas"
          ref={(node) => node?.style.setProperty('height', `${virtualizer.getTotalSize()}px`)}
        >
          {rows.map((row) => {
            const item = items[row.index];
            return (
              <div
                key={row.key}
                className="records-slot"
                ref={(node) => node?.style.setProperty('transform', `translateY(${row.start}px)`)}
              >
                {item ? (
                  <div
                    className={`records-row ${gridClass}${selected.has(item.id) ? ' records-row-selected' : ''}`}
                    role="row"
                    data-testid={`${testId}-row`}
                    data-id={item.id}
                    onClick={(event) => {
                      // The whole row opens the record; the checkbox and links keep their own clicks.
                      const target = event.target as HTMLElement;
                      if (target.closest('a, input, button, label')) return;
                      window.location.hash = hrefOf(item);
                    }}
                  >
                    <span role="cell" className="records-check">
                      <input
                        type="checkbox"
                        checked={selected.has(item.id)}
                        onChange={() => onToggle(item.id)}
                        aria-label={`Select ${labelOf(item)}`}
                        data-testid={`${testId}-select`}
                      />
                    </span>
                    {columns.map((column, index) => (
                      <span key={column.key} role="cell" className="records-cell">
                        {index === 0 ? (
                          <a href={hrefOf(item)} className="records-link">
                            {column.render(item)}
                          </a>
                        ) : (
                          column.render(item)
                        )}
                      </span>
                    ))}
                  </div>
                ) : (
                  <div className="records-row records-row-loading" data-testid={`${testId}-loading-more`}>
                    <Spinner label="Loading more" />
                  </div>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
