import { useCallback, useState } from 'react';
import type { MergeKind } from '../../../../common/domain/merge.js';
import { call } from '../../api/call.js';
import { RECORD_CALLS, RECORD_WORDS, countWord } from './recordKinds.js';

export type MergeToast = { tone: 'success' | 'error'; message: string; mergeId: number | null };

export type MergeActions = {
  toast: MergeToast | null;
  busy: boolean;
  dismiss: () => void;
  /** Merges the sources into the target; resolves true when it worked. */
  merge: (target: { id: number; name: string }, sourceIds: number[]) => Promise<boolean>;
  undo: (mergeId: number) => Promise<boolean>;
};

/**
 * Merging and undoing, with the toast that reports each (and offers Undo right after a merge).
 * `onChanged` runs after every change, so the list, the duplicates and the history read again.
 */
export function useMerge(kind: MergeKind, onChanged: () => void): MergeActions {
  const [toast, setToast] = useState<MergeToast | null>(null);
  const [busy, setBusy] = useState(false);
  const calls = RECORD_CALLS[kind];

  const merge = useCallback(
    async (target: { id: number; name: string }, sourceIds: number[]): Promise<boolean> => {
      setBusy(true);
      const result = await call(calls.merge, { targetId: target.id, sourceIds });
      setBusy(false);
      if (!result.ok) {
        setToast({ tone: 'error', message: `The merge did not happen: ${result.error.message}`, mergeId: null });
        return false;
      }
      setToast({
        tone: 'success',
        message: `Merged ${countWord(kind, sourceIds.length)} into ${target.name}.`,
        mergeId: result.value.mergeId,
      });
      onChanged();
      return true;
    },
    [calls, kind, onChanged],
  );

  const undo = useCallback(
    async (mergeId: number): Promise<boolean> => {
      setBusy(true);
      const result = await call(calls.undoMerge, { mergeId });
      setBusy(false);
      if (!result.ok) {
        const message =
          result.error.code === 'CONFLICT'
            ? `This merge can no longer be undone: ${result.error.message}`
            : `Undo failed: ${result.error.message}`;
        setToast({ tone: 'error', message, mergeId: null });
        return false;
      }
      setToast({
        tone: 'success',
        message: `Merge undone: ${countWord(kind, result.value.restoredIds.length)} restored as ${RECORD_WORDS[kind].many} of their own.`,
        mergeId: null,
      });
      onChanged();
      return true;
    },
    [calls, kind, onChanged],
  );

  const dismiss = useCallback(() => setToast(null), []);
  return { toast, busy, dismiss, merge, undo };
}
