import { useId, useState, type FormEvent, type ReactElement } from 'react';
import type { RecordRef } from '../../../../common/domain/timeline.js';
import { call } from '../../api/call.js';

type Mode = 'note' | 'task';

/** Add a note or a task to a record; the timeline reads itself again once it is saved. */
export function RecordComposer({ record, onAdded }: { record: RecordRef; onAdded: () => void }): ReactElement {
  const [mode, setMode] = useState<Mode>('note');
  const [text, setText] = useState('');
  const [due, setDue] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!text.trim() || saving) return;
    setSaving(true);
    const request =
      mode === 'note'
        ? call('notes.create', { record, body: text })
        : call('tasks.create', { record, title: text, dueAt: due ? due : null });
    void request.then((result) => {
      setSaving(false);
      if (!result.ok) {
        setError(result.error.message);
        return;
      }
      setError(null);
      setText('');
      setDue('');
      onAdded();
    });
  };

  return (
    <form className="composer" onSubmit={submit} data-testid="record-composer">
      <div className="segmented" role="group" aria-label="Add">
        {(['note', 'task'] as const).map((option) => (
          <button
            key={option}
            type="button"
            className={option === mode ? 'segmented-option segmented-option-on' : 'segmented-option'}
            aria-pressed={option === mode}
            onClick={() => setMode(option)}
            data-testid={`composer-${option}`}
          >
            {option === 'note' ? 'Note' : 'Task'}
          </button>
        ))}
      </div>
      <label className="sr-only" htmlFor={`${id}-text`}>
        {mode === 'note' ? 'Note' : 'Task'}
      </label>
      {mode === 'note' ? (
        <textarea
          id={`${id}-text`}
          className="input composer-text"
          rows={2}
          placeholder="Write a note…"
          value={text}
          onChange={(event) => setText(event.target.value)}
          data-testid="composer-text"
        />
      ) : (
        <div className="composer-task">
          <input
            id={`${id}-text`}
            className="input"
            placeholder="What needs doing?"
            value={text}
            onChange={(event) => setText(event.target.value)}
            data-testid="composer-text"
          />
          <label className="sr-only" htmlFor={`${id}-due`}>
            Due date
          </label>
          <input
            id={`${id}-due`}
            className="input composer-due"
            type="date"
            value={due}
            onChange={(event) => setDue(event.target.value)}
          />
        </div>
      )}
      <div className="composer-actions">
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button
          type="submit"
          className="btn btn-primary btn-small"
          disabled={saving || !text.trim()}
          data-testid="composer-save"
        >
          {mode === 'note' ? 'Add note' : 'Add task'}
        </button>
      </div>
    </form>
  );
}
