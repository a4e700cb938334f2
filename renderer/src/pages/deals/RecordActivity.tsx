import { useId, useState, type FormEvent, type ReactElement } from 'react';
import type { RecordRef, TimelineItem } from '../../../../common/domain/timeline.js';
import { call } from '../../api/call.js';
import { Alert } from '../../components/Alert.js';
import { Spinner } from '../../components/Spinner.js';
import { useNow } from '../../hooks/useNow.js';
import { formatAbsolute, formatRelative } from '../../lib/format.js';
import { useRecordTimeline } from './useRecordTimeline.js';

/**
 * Notes, tasks and everything that happened on a record, newest first: a composer for a note or
 * a task, then the timeline (threads, notes, tasks with their done box, stage changes).
 */
export function RecordActivity({ record, onChanged }: { record: RecordRef; onChanged?: () => void }): ReactElement {
  const timeline = useRecordTimeline(record);
  const [failure, setFailure] = useState<string | null>(null);
  const changed = () => {
    timeline.reload();
    onChanged?.();
  };
  const run = async (work: Promise<{ ok: boolean; error?: { message: string } }>) => {
    const result = await work;
    setFailure(result.ok ? null : (result.error?.message ?? 'That did not work.'));
    if (result.ok) changed();
    return result.ok;
  };

  return (
    <section className="activity" aria-label="Notes, tasks and activity" data-testid="record-activity">
      <Composer record={record} run={run} />
      {failure ? (
        <Alert tone="error" testId="activity-error">
          <p>{failure}</p>
        </Alert>
      ) : null}
      {timeline.error ? (
        <Alert tone="error" title="The activity could not be loaded">
          <p>{timeline.error}</p>
          <button type="button" className="btn btn-secondary btn-small" onClick={timeline.reload}>
            Retry
          </button>
        </Alert>
      ) : null}
      {!timeline.error && timeline.items.length === 0 && !timeline.loading ? (
        <p className="text-secondary activity-empty">
          Nothing yet: emails with its contacts, notes and tasks show here.
        </p>
      ) : null}
      <ol className="activity-list" data-testid="activity-list">
        {timeline.items.map((item) => (
          <ActivityItem key={item.key} item={item} run={run} />
        ))}
      </ol>
      {timeline.loading ? <Spinner label="Loading activity" /> : null}
      {timeline.more && !timeline.loading ? (
        <button type="button" className="btn btn-secondary btn-small" onClick={timeline.more}>
          Show older
        </button>
      ) : null}
    </section>
  );
}

type Run = (work: Promise<{ ok: boolean; error?: { message: string } }>) => Promise<boolean>;

function Composer({ record, run }: { record: RecordRef; run: Run }): ReactElement {
  const id = useId();
  const [kind, setKind] = useState<'note' | 'task'>('note');
  const [text, setText] = useState('');
  const [due, setDue] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    const ok = await run(
      kind === 'note'
        ? call('notes.create', { record, body: text })
        : call('tasks.create', { record, title: text, dueAt: due ? new Date(due).toISOString() : null }),
    );
    setBusy(false);
    if (ok) {
      setText('');
      setDue('');
    }
  };
  return (
    <form className="composer" onSubmit={(event) => void submit(event)}>
      <div className="composer-tabs" role="radiogroup" aria-label="Add">
        {(['note', 'task'] as const).map((option) => (
          <label key={option} className={kind === option ? 'composer-tab composer-tab-on' : 'composer-tab'}>
            <input
              type="radio"
              name={`${id}-kind`}
              className="sr-only"
              checked={kind === option}
              onChange={() => setKind(option)}
            />
            {option === 'note' ? 'Note' : 'Task'}
          </label>
        ))}
      </div>
      <label className="sr-only" htmlFor={`${id}-text`}>
        {kind === 'note' ? 'Note' : 'Task title'}
      </label>
      {kind === 'note' ? (
        <textarea
          id={`${id}-text`}
          className="input composer-text"
          rows={2}
          placeholder="Write a note…"
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid="composer-text"
        />
      ) : (
        <div className="composer-task">
          <input
            id={`${id}-text`}
            className="input"
            placeholder="What needs doing?"
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-testid="composer-text"
          />
          <label className="sr-only" htmlFor={`${id}-due`}>
            Due
          </label>
          <input
            id={`${id}-due`}
            className="input"
            type="datetime-local"
            value={due}
            onChange={(e) => setDue(e.target.value)}
          />
        </div>
      )}
      <div className="composer-actions">
        <button
          type="submit"
          className="btn btn-primary btn-small"
          disabled={busy || !text.trim()}
          data-testid="composer-add"
        >
          {kind === 'note' ? 'Add note' : 'Add task'}
        </button>
      </div>
    </form>
  );
}

function ActivityItem({ item, run }: { item: TimelineItem; run: Run }): ReactElement {
  const now = useNow(60_000);
  const when = (
    <time className="activity-time" dateTime={item.at} title={formatAbsolute(item.at)}>
      {formatRelative(item.at, now)}
    </time>
  );
  switch (item.kind) {
    case 'thread':
      return (
        <li className="activity-item activity-thread" data-kind="thread">
          <span className="activity-kind">{item.latest.direction === 'sent' ? 'Email sent' : 'Email received'}</span>
          {when}
          <p className="activity-title">
            {item.subject || '(no subject)'}
            {item.messages > 1 ? <span className="text-secondary"> · {item.messages} messages</span> : null}
          </p>
          <p className="activity-snippet text-secondary">
            {item.latest.from.name || item.latest.from.address}: {item.latest.snippet}
          </p>
        </li>
      );
    case 'note':
      return (
        <li className="activity-item activity-note" data-kind="note">
          <span className="activity-kind">Note{item.author ? ` by ${item.author}` : ''}</span>
          {when}
          <p className="activity-body">{item.body}</p>
          <button
            type="button"
            className="btn btn-secondary btn-small activity-delete"
            onClick={() => void run(call('notes.delete', { id: item.noteId }))}
          >
            Delete note
          </button>
        </li>
      );
    case 'task':
      return (
        <li className="activity-item activity-task" data-kind="task">
          <span className="activity-kind">Task</span>
          {when}
          <label className="activity-task-check">
            <input
              type="checkbox"
              checked={item.doneAt !== null}
              onChange={(e) => void run(call('tasks.update', { id: item.taskId, done: e.target.checked }))}
            />
            <span className={item.doneAt ? 'activity-task-done' : undefined}>{item.title}</span>
          </label>
          {item.dueAt ? <p className="text-secondary activity-due">Due {formatAbsolute(item.dueAt)}</p> : null}
          <button
            type="button"
            className="btn btn-secondary btn-small activity-delete"
            onClick={() => void run(call('tasks.delete', { id: item.taskId }))}
          >
            Delete task
          </button>
        </li>
      );
    case 'stage':
      return (
        <li className="activity-item activity-stage" data-kind="stage">
          <span className="activity-kind">Stage</span>
          {when}
          <p className="activity-title">
            {item.fromStage
              ? `${item.dealName} moved from ${item.fromStage} to ${item.toStage}`
              : `${item.dealName} created in ${item.toStage}`}
          </p>
        </li>
      );
  }
}
