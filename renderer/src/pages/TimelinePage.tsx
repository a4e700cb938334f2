import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import type { MessageSummary } from '../../../common/domain/messages.js';
import { Alert } from '../../../ui/Alert.js';
import { EmptyState } from '../../../ui/EmptyState.js';
import { InboxIcon } from '../../../ui/icons.js';
import { Spinner } from '../../../ui/Spinner.js';
import { PaperclipIcon } from '../components/icons.js';
import { hrefFor } from '../frame/routes.js';
import { formatAbsolute, formatCount, formatListDate } from '../lib/format.js';
import { MessageView } from './message/MessageView.js';
import { useTimeline } from './timeline/useTimeline.js';

const ROW_HEIGHT = 76;
/** Start loading the next page this many rows before the end of what is loaded. */
const PREFETCH_ROWS = 40;

/** Every synced message, newest first, with the selected one open next to the list. */
export function TimelinePage(): ReactElement {
  const timeline = useTimeline();

  if (timeline.status === 'loading') {
    return (
      <div className="page" data-testid="page-timeline">
        <div className="card card-loading" data-testid="timeline-loading">
          <Spinner label="Loading the timeline" />
        </div>
      </div>
    );
  }
  if (timeline.status === 'error') {
    return (
      <div className="page" data-testid="page-timeline">
        <Alert tone="error" title="The timeline could not be loaded" testId="timeline-error">
          <p>{timeline.error?.message}</p>
          <button type="button" className="btn btn-secondary btn-small" onClick={timeline.retry}>
            Retry
          </button>
        </Alert>
      </div>
    );
  }
  if (timeline.items.length === 0) {
    return (
      <div className="page" data-testid="page-timeline">
        <EmptyState icon={<InboxIcon size={24} />} title="No conversations yet" testId="timeline-empty">
          <p>
            Once a mailbox is connected, every email with your customers will appear here, newest first, filed under the
            right contact, company and deal.
          </p>
          <a className="btn btn-primary empty-state-action" href={hrefFor('settings')} data-testid="timeline-connect">
            Connect a mailbox
          </a>
        </EmptyState>
      </div>
    );
  }
  return <TimelineList timeline={timeline} />;
}

function TimelineList({ timeline }: { timeline: ReturnType<typeof useTimeline> }): ReactElement {
  const { items, hasMore, loadMore } = timeline;
  const scroller = useRef<HTMLDivElement>(null);
  const [selected, setSelected] = useState(0);
  const [openId, setOpenId] = useState<number | null>(null);
  const count = items.length + (hasMore ? 1 : 0);

  // TanStack Virtual hands out fresh functions on every render, so the React Compiler leaves this
  // component unmemoized, which is what it needs (the rows are cheap and only the visible ones render).
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const virtualRows = virtualizer.getVirtualItems();
  const lastVisible = virtualRows.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasMore && lastVisible >= items.length - PREFETCH_ROWS) loadMore();
  }, [hasMore, lastVisible, items.length, loadMore]);

  // Keep the selection on the same message when new mail arrives on top.
  const selectedId = useRef<number | null>(null);
  useEffect(() => {
    if (selectedId.current === null) return;
    const index = items.findIndex((item) => item.id === selectedId.current);
    if (index !== -1 && index !== selected) setSelected(index);
  }, [items, selected]);

  const select = useCallback(
    (index: number) => {
      const clamped = Math.max(0, Math.min(items.length - 1, index));
      setSelected(clamped);
      selectedId.current = items[clamped]?.id ?? null;
      virtualizer.scrollToIndex(clamped, { align: 'auto' });
    },
    [items, virtualizer],
  );

  const open = useCallback(
    (index: number) => {
      const item = items[index];
      if (item) setOpenId(item.id);
    },
    [items],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target instanceof HTMLElement ? event.target : null;
      // Keys typed into a field are text; Enter on another control is that control's own action.
      // The list's rows are ours: Enter there opens the selected row (which j/k may have moved).
      const inList = Boolean(target?.closest('.timeline-scroller'));
      if (target && !inList) {
        if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
        if (event.key === 'Enter' && /^(BUTTON|A|SUMMARY)$/.test(target.tagName)) return;
      }
      if (event.key === 'j') {
        event.preventDefault();
        select(selected + 1);
      } else if (event.key === 'k') {
        event.preventDefault();
        select(selected - 1);
      } else if (event.key === 'Enter') {
        event.preventDefault();
        open(selected);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, select, selected]);

  return (
    <div className="timeline" data-testid="page-timeline">
      <section className="timeline-list-pane" aria-label="Messages">
        <div className="timeline-list-header">
          <span data-testid="timeline-count">{formatCount(timeline.total)} messages</span>
          <span className="timeline-hint">
            <kbd>j</kbd> <kbd>k</kbd> move · <kbd>Enter</kbd> open
          </span>
        </div>
        {timeline.error ? (
          <p className="timeline-stale" role="status" data-testid="timeline-stale">
            {timeline.error.message}
          </p>
        ) : null}
        <div className="timeline-scroller" ref={scroller} data-testid="timeline-list" role="list">
          <div
            className="timeline-canvas"
            ref={(node) => node?.style.setProperty('height', `${virtualizer.getTotalSize()}px`)}
          >
            {virtualRows.map((row) => {
              const item = items[row.index];
              return (
                <div
                  key={row.key}
                  className="timeline-row-slot"
                  ref={(node) => node?.style.setProperty('transform', `translateY(${row.start}px)`)}
                  role="listitem"
                >
                  {item ? (
                    <TimelineRow
                      item={item}
                      selected={row.index === selected}
                      open={item.id === openId}
                      onClick={() => {
                        select(row.index);
                        setOpenId(item.id);
                      }}
                    />
                  ) : (
                    <div className="timeline-row timeline-row-loading" data-testid="timeline-loading-more">
                      <Spinner label="Loading older messages" />
                    </div>
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </section>
      <section className="timeline-reader" aria-label="Message">
        {openId === null ? (
          <div className="timeline-reader-empty" data-testid="message-none">
            Select a message and press Enter to read it.
          </div>
        ) : (
          <MessageView key={openId} id={openId} />
        )}
      </section>
    </div>
  );
}

function TimelineRow({
  item,
  selected,
  open,
  onClick,
}: {
  item: MessageSummary;
  selected: boolean;
  open: boolean;
  onClick: () => void;
}): ReactElement {
  const who = item.from ? item.from.name || item.from.address : '(unknown sender)';
  const classes = ['timeline-row'];
  if (selected) classes.push('timeline-row-selected');
  if (open) classes.push('timeline-row-open');
  if (!item.flags.seen) classes.push('timeline-row-unread');
  return (
    <button
      type="button"
      className={classes.join(' ')}
      onClick={onClick}
      aria-current={open ? 'true' : undefined}
      data-testid="timeline-row"
      data-message-id={item.id}
    >
      <span className="timeline-row-top">
        <span className="timeline-row-from">{who}</span>
        {item.hasAttachments ? (
          <span className="timeline-row-attachment" role="img" aria-label="Has attachments" title="Has attachments">
            <PaperclipIcon size={13} />
          </span>
        ) : null}
        <time className="timeline-row-date" dateTime={item.date} title={formatAbsolute(item.date)}>
          {formatListDate(item.date)}
        </time>
      </span>
      <span className="timeline-row-subject">{item.subject ?? '(no subject)'}</span>
      <span className="timeline-row-snippet">{item.snippet}</span>
    </button>
  );
}
