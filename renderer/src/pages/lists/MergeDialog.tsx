import { useState, type ReactElement } from 'react';
import type { MergeKind } from '../../../../common/domain/merge.js';
import { Modal } from '../../../../ui/Modal.js';
import { RECORD_WORDS, countWord } from './recordKinds.js';

export type MergeCandidate = { id: number; name: string; detail: string };

/** Which of the selected records stays: the others' links move to it and they are deleted (undoable). */
export function MergeDialog({
  kind,
  records,
  busy,
  onCancel,
  onMerge,
}: {
  kind: MergeKind;
  records: MergeCandidate[];
  busy: boolean;
  onCancel: () => void;
  onMerge: (target: MergeCandidate, sourceIds: number[]) => void;
}): ReactElement {
  const [targetId, setTargetId] = useState(records[0]?.id ?? 0);
  const target = records.find((record) => record.id === targetId) ?? records[0]!;
  const words = RECORD_WORDS[kind];
  return (
    <Modal open labelledBy="merge-title" onDismiss={onCancel} testId="merge-dialog">
      <h2 className="dialog-title" id="merge-title">
        Merge {countWord(kind, records.length)}
      </h2>
      <div className="dialog-content">
        <p>
          Choose the {words.one} to keep. Everything linked to the others (addresses, mail, deals, notes, tasks) moves
          to it, its empty fields are filled from theirs, and the others are deleted. You can undo this.
        </p>
        <fieldset className="merge-choices">
          <legend className="sr-only">The {words.one} to keep</legend>
          {records.map((record) => (
            <label key={record.id} className="merge-choice">
              <input
                type="radio"
                name="merge-target"
                checked={record.id === target.id}
                onChange={() => setTargetId(record.id)}
                data-testid="merge-target"
              />
              <span className="merge-choice-text">
                <span className="merge-choice-name">{record.name}</span>
                <span className="merge-choice-detail">{record.detail}</span>
              </span>
            </label>
          ))}
        </fieldset>
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy}
          onClick={() =>
            onMerge(
              target,
              records.filter((record) => record.id !== target.id).map((record) => record.id),
            )
          }
          data-testid="merge-confirm"
        >
          Merge into {target.name}
        </button>
      </div>
    </Modal>
  );
}
