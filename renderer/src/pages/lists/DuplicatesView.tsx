import { useEffect, useState, type ReactElement } from 'react';
import type { MergeKind } from '../../../../common/domain/merge.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import type { Result } from '../../../../common/result.js';
import { Alert } from '../../../../ui/Alert.js';
import { EmptyState } from '../../../../ui/EmptyState.js';
import { CheckIcon } from '../../../../ui/icons.js';
import { Spinner } from '../../../../ui/Spinner.js';
import { useCanCall } from '../../policy/PolicyProvider.js';
import type { MergeCandidate } from './MergeDialog.js';
import { RECORD_CALLS, RECORD_WORDS } from './recordKinds.js';
import type { MergeActions } from './useMerge.js';

export type DuplicateGroupView = { explanation: string; records: MergeCandidate[] };

/** Candidate groups, each with the reason, a choice of the record to keep and a Merge button. */
export function DuplicatesView({
  kind,
  load,
  version,
  actions,
  hrefOf,
}: {
  kind: MergeKind;
  load: () => Promise<Result<DuplicateGroupView[]>>;
  /** Changes after every merge or undo: the groups are read again. */
  version: number;
  actions: MergeActions;
  hrefOf: (id: number) => string;
}): ReactElement {
  const canMerge = useCanCall(RECORD_CALLS[kind].merge);
  const [groups, setGroups] = useState<DuplicateGroupView[] | null>(null);
  const [error, setError] = useState<AppErrorShape | null>(null);

  useEffect(() => {
    let live = true;
    void load().then((result) => {
      if (!live) return;
      if (result.ok) {
        setGroups(result.value);
        setError(null);
      } else {
        setError(result.error);
      }
    });
    return () => {
      live = false;
    };
  }, [load, version]);

  if (error) {
    return (
      <Alert tone="error" title="Possible duplicates could not be found" testId="duplicates-error">
        <p>{error.message}</p>
      </Alert>
    );
  }
  if (groups === null) {
    return (
      <div className="card card-loading">
        <Spinner label="Looking for duplicates" />
      </div>
    );
  }
  if (groups.length === 0) {
    return (
      <EmptyState icon={<CheckIcon size={24} />} title="No possible duplicates" testId="duplicates-empty">
        <p>
          No two {RECORD_WORDS[kind].many} share a name, a phone number or an address at one company. New ones are
          checked whenever you open this view.
        </p>
      </EmptyState>
    );
  }
  return (
    <ul className="plain-list duplicate-groups" data-testid="duplicate-groups">
      {groups.map((group) => (
        <DuplicateGroupCard
          canMerge={canMerge}
          key={group.records.map((record) => record.id).join('-')}
          group={group}
          actions={actions}
          hrefOf={hrefOf}
        />
      ))}
    </ul>
  );
}

function DuplicateGroupCard({
  group,
  actions,
  hrefOf,
  canMerge,
}: {
  canMerge: boolean;
  group: DuplicateGroupView;
  actions: MergeActions;
  hrefOf: (id: number) => string;
}): ReactElement {
  const [targetId, setTargetId] = useState(group.records[0]!.id);
  const target = group.records.find((record) => record.id === targetId) ?? group.records[0]!;
  const name = `keep-${group.records.map((record) => record.id).join('-')}`;
  return (
    <li className="card duplicate-group" data-testid="duplicate-group">
      <p className="duplicate-reason">{group.explanation}</p>
      <fieldset className="merge-choices">
        <legend className="sr-only">The record to keep</legend>
        {group.records.map((record) => (
          <label key={record.id} className="merge-choice">
            <input type="radio" name={name} checked={record.id === target.id} onChange={() => setTargetId(record.id)} />
            <span className="merge-choice-text">
              <a className="merge-choice-name" href={hrefOf(record.id)}>
                {record.name}
              </a>
              <span className="merge-choice-detail">{record.detail}</span>
            </span>
            {record.id === target.id ? <span className="badge badge-accent">Keep</span> : null}
          </label>
        ))}
      </fieldset>
      {/* Hidden when the policy forbids merging (the core refuses it anyway). */}
      {canMerge ? (
        <div className="duplicate-actions">
          <button
            type="button"
            className="btn btn-primary btn-small"
            disabled={actions.busy}
            onClick={() =>
              void actions.merge(
                target,
                group.records.filter((record) => record.id !== target.id).map((record) => record.id),
              )
            }
            data-testid="duplicate-merge"
          >
            Merge into {target.name}
          </button>
        </div>
      ) : null}
    </li>
  );
}
