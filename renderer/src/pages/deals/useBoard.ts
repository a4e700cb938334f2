import { useCallback, useEffect, useRef, useState } from 'react';
import type { Board } from '../../../../common/domain/deals.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { call } from '../../api/call.js';
import { applyMove, isNoOp } from '../../../../common/domain/deal-board.js';

export type BoardState =
  | { status: 'loading'; board: null; error: null }
  | { status: 'error'; board: null; error: AppErrorShape }
  | { status: 'ready'; board: Board; error: null };

export type MoveFailure = { dealName: string; message: string };

/**
 * The pipeline board and optimistic moves: a dropped card lands at once, the call follows, and a
 * refusal puts the board back as it was and says why. Moves are queued so two quick drags never
 * race each other at the store.
 */
export function useBoard(): {
  state: BoardState;
  reload: () => Promise<void>;
  move: (dealId: number, stageId: number, beforeId: number | null) => void;
  moveFailure: MoveFailure | null;
  dismissFailure: () => void;
} {
  const [state, setState] = useState<BoardState>({ status: 'loading', board: null, error: null });
  const [moveFailure, setMoveFailure] = useState<MoveFailure | null>(null);
  const boardRef = useRef<Board | null>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());

  const show = useCallback((board: Board) => {
    boardRef.current = board;
    setState({ status: 'ready', board, error: null });
  }, []);

  const reload = useCallback(async () => {
    const result = await call('deals.board', {});
    if (result.ok) show(result.value);
    else if (!boardRef.current) setState({ status: 'error', board: null, error: result.error });
  }, [show]);

  useEffect(() => {
    let stale = false;
    void call('deals.board', {}).then((result) => {
      if (stale) return;
      if (result.ok) show(result.value);
      else setState({ status: 'error', board: null, error: result.error });
    });
    return () => {
      stale = true;
    };
  }, [show]);

  const move = useCallback(
    (dealId: number, stageId: number, beforeId: number | null) => {
      const before = boardRef.current;
      if (!before || isNoOp(before, dealId, stageId, beforeId)) return;
      const dealName = before.stages.flatMap((c) => c.deals).find((d) => d.id === dealId)?.name ?? `Deal ${dealId}`;
      setMoveFailure(null);
      show(applyMove(before, dealId, stageId, beforeId));
      queue.current = queue.current.then(async () => {
        const result = await call('deals.move', { id: dealId, stageId, beforeId });
        if (result.ok) return;
        // Put back the board as it was before this move (later moves were queued after it and
        // are re-read from the store).
        show(before);
        setMoveFailure({ dealName, message: result.error.message });
        await reload();
      });
    },
    [reload, show],
  );

  return { state, reload, move, moveFailure, dismissFailure: () => setMoveFailure(null) };
}
