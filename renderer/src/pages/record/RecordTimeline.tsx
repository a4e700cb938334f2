import { useCallback, useEffect, useId, useRef, useState, type ReactElement } from 'react';
import { canCall } from '../../../../common/api/can-call.js';
import type { RecordRef, TimelineItem } from '../../../../common/domain/timeline.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { EmptyState } from '../../../../ui/EmptyState.js';
import { Spinner } from '../../../../ui/Spinner.js';
import { call } from '../../api/call.js';
import { MailIcon } from '../../components/icons.js';
import { formatAbsolute, formatDay } from '../../lib/format.js';
import { usePolicy } from '../../policy/PolicyProvider.js';
import { MessageView } from '../message/MessageView.js';
import { RecordComposer } from './RecordComposer.js';
import { useRecordTimeline } from './useRecordTimeline.js';

/**
 * A record's conversations, notes, tasks and stage changes, newest first, loading more as it scrolls.
 * `compact` fits it in a side panel (the deal drawer): no card of its own, a section label for a
 * title. `onChanged` tells the owner a note or task was added, ticked or deleted.
 */
export function RecordTimeline({
  record,
  compact = false,
  onChanged,
}: {
  record: RecordRef;
  compact?: boolean;
  onChanged?: () => void;
}): ReactElement {
  const timeline = useRecordTimeline(record);
  const sentinel = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const { hasMore, loadMore, refresh } = timeline;
  const changed = useCallback(() => {
    refresh();
    onChanged?.();
  }, [refresh, onChanged]);

  useEffect(() => {
    const node = sentinel.current;
    if (!node || !hasMore) return;
    // The page scrolls (not this list): load the next page when its end comes near the viewport.
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) loadMore();
      },
      { rootMargin: '600px 0px' },
    );
    observer.observe(node);
    return () => observer.disconnect();
  }, [hasMore, loadMore, timeline.items.length]);

  // The composer adds notes and tasks: hidden when the policy allows neither.
  const { policy } = usePolicy();
  const canCompose = canCall(policy, 'notes.create') || canCall(policy, 'tasks.create');
  return (
    <section
      className={compact ? 'record-timeline record-timeline-compact' : 'card record-timeline'}
      aria-labelledby={titleId}
      data-testid="record-timeline"
    >
      <h3 className={compact ? 'section-label' : 'card-title'} id={titleId}>
        {compact ? 'Notes, tasks and activity' : 'Timeline'}
      </h3>
      {canCompose ? <RecordComposer record={record} onAdded={changed} /> : null}
      {timeline.status === 'loading' ? (
        <div className="record-timeline-state" data-testid="record-timeline-loading">
          <Spinner label="Loading the timeline" />
        </div>
      ) : timeline.status === 'error' ? (
        <Alert tone="error" title="The timeline could not be loaded" testId="record-timeline-error">
          <p>{timeline.error?.message}</p>
          <button type="button" className="btn btn-secondary btn-small" onClick={timeline.refresh}>
            Retry
          </button>
        </Alert>
      ) : timeline.items.length === 0 ? (
        <EmptyState icon={<MailIcon size={22} />} title="Nothing here yet" testId="record-timeline-empty">
          <p>Emails with this {record.type}, and the notes and tasks you add, will appear here, newest first.</p>
        </EmptyState>
      ) : (
        <ol className="record-feed" data-testid="record-feed">
          {timeline.items.map((item) => (
            <FeedItem key={item.key} item={item} onChanged={changed} />
          ))}
        </ol>
      )}
      {timeline.error && timeline.status === 'ready' ? (
        <p className="timeline-stale" role="status">
          {timeline.error.message}
        </p>
      ) : null}
      <div ref={sentinel} className="record-feed-end" data-testid="record-feed-end">
        {timeline.loadingMore ? <Spinner label="Loading older activity" /> : null}
        {hasMore && !timeline.loadingMore ? (
          <button type="button" className="btn btn-secondary btn-small" onClick={loadMore}>
            Load older activity
          </button>
        ) : null}
      </div>
    </section>
  );
}

function FeedItem({ item, onChanged }: { item: TimelineItem; onChanged: () => void }): ReactElement {
  const { policy } = usePolicy();
  switch (item.kind) {
    case 'thread':
      return <ThreadItem item={item} />;
    case 'note':
      return (
        <li className="feed-item feed-note" data-testid="feed-note">
          <FeedMeta label="Note" at={item.at} by={item.author} />
          <p className="feed-note-body">{item.body}</p>
          <DeleteItem
            permitted={canCall(policy, 'notes.delete')}
            label="Delete note"
            remove={() => call('notes.delete', { id: item.noteId })}
            onDeleted={onChanged}
          />
        </li>
      );
    case 'task':
      return <TaskItem item={item} onChanged={onChanged} />;
    case 'stage':
      return (
        <li className="feed-item feed-stage" data-testid="feed-stage">
          <FeedMeta label="Deal" at={item.at} by={null} />
          <p>
            <strong>{item.dealName}</strong>{' '}
            {item.fromStage ? `moved from ${item.fromStage} to ${item.toStage}` : `created in ${item.toStage}`}
          </p>
        </li>
      );
  }
}

function FeedMeta({ label, at, by }: { label: string; at: string; by: string | null }): ReactElement {
  return (
    <div className="feed-meta">
      <span className="feed-kind">{label}</span>
      {by ? <span>{by}</span> : null}
      <time dateTime={at} title={formatAbsolute(at)}>
        {formatDay(at)}
      </time>
    </div>
  );
}

function ThreadItem({ item }: { item: Extract<TimelineItem, { kind: 'thread' }> }): ReactElement {
  const [open, setOpen] = useState(false);
  const { latest } = item;
  const who = latest.from.name || latest.from.address;
  return (
    <li className="feed-item feed-thread" data-testid="feed-thread">
      <button
        type="button"
        className="feed-thread-button"
        aria-expanded={open}
        onClick={() => setOpen((value) => !value)}
        data-testid="feed-thread-open"
      >
        <FeedMeta label={latest.direction === 'sent' ? 'Email sent' : 'Email received'} at={item.at} by={who} />
        <span className="feed-thread-subject">
          {item.subject ?? '(no subject)'}
          {item.messages > 1 ? <span className="badge badge-neutral">{item.messages}</span> : null}
        </span>
        <span className="feed-thread-snippet">{latest.snippet}</span>
      </button>
      {open ? (
        <div className="feed-thread-message">
          <MessageView id={latest.messageId} />
        </div>
      ) : null}
    </li>
  );
}

function TaskItem({
  item,
  onChanged,
}: {
  item: Extract<TimelineItem, { kind: 'task' }>;
  onChanged: () => void;
}): ReactElement {
  const { policy } = usePolicy();
  const [done, setDone] = useState(item.doneAt !== null);
  const [error, setError] = useState<string | null>(null);
  const toggle = (checked: boolean): void => {
    setDone(checked);
    void call('tasks.update', { id: item.taskId, done: checked }).then((result) => {
      if (result.ok) {
        setError(null);
        onChanged();
      } else {
        setDone(!checked);
        setError(result.error.message);
      }
    });
  };
  return (
    <li className={done ? 'feed-item feed-task feed-task-done' : 'feed-item feed-task'} data-testid="feed-task">
      <FeedMeta label="Task" at={item.at} by={null} />
      <label className="feed-task-row">
        <input
          type="checkbox"
          checked={done}
          disabled={!canCall(policy, 'tasks.update')}
          onChange={(event) => toggle(event.target.checked)}
        />
        <span className="feed-task-title">{item.title}</span>
        {item.dueAt ? <span className="feed-task-due">due {dueDate(item.dueAt)}</span> : null}
      </label>
      {error ? <p className="field-error">{error}</p> : null}
      <DeleteItem
        permitted={canCall(policy, 'tasks.delete')}
        label="Delete task"
        remove={() => call('tasks.delete', { id: item.taskId })}
        onDeleted={onChanged}
      />
    </li>
  );
}

/** A quiet delete for a note or task; the timeline reads itself again once it is gone. */
function DeleteItem({
  permitted,
  label,
  remove,
  onDeleted,
}: {
  /** False when the policy forbids the delete: nothing is offered. */
  permitted: boolean;
  label: string;
  remove: () => Promise<{ ok: true } | { ok: false; error: AppErrorShape }>;
  onDeleted: () => void;
}): ReactElement | null {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const click = (): void => {
    setBusy(true);
    void remove().then((result) => {
      setBusy(false);
      if (result.ok) {
        setError(null);
        onDeleted();
      } else setError(result.error.message);
    });
  };
  if (!permitted) return null;
  return (
    <div className="feed-delete">
      <button type="button" className="btn btn-secondary btn-small" disabled={busy} onClick={click}>
        {label}
      </button>
      {error ? <p className="field-error">{error}</p> : null}
    </div>
  );
}

// A due date is picked as a day and stored as that day's start in UTC: shown as that same day
// wherever the viewer is.
const dueFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

function dueDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dueFormat.format(date);
}
