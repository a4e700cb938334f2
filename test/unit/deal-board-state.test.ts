import { describe, expect, it } from 'vitest';
import type { Board, DealCard } from '../../common/domain/deals.js';
import { applyMove, isNoOp } from '../../common/domain/deal-board.js';

// The board's optimistic move (what the page shows before the core answers) follows the store's
// rule (test/unit/deals-store.test.ts): before a card or last, positions dense, totals per currency.

const stage = (id: number, name: string) => ({ id, name, position: id, kind: 'open' as const });
function deal(id: number, stageId: number, position: number, amountMinor: number, currency: string): DealCard {
  return {
    id,
    name: `D${id}`,
    amountMinor,
    currency,
    pipelineId: 1,
    stageId,
    stageName: `S${stageId}`,
    stageKind: 'open',
    position,
    closeDate: null,
    owner: null,
    company: null,
    contacts: [],
    createdAt: '',
    updatedAt: '',
  };
}
const board: Board = {
  pipeline: { id: 1, name: 'Sales', stages: [stage(1, 'S1'), stage(2, 'S2')] },
  stages: [
    {
      stage: stage(1, 'S1'),
      deals: [deal(10, 1, 0, 100, 'EUR'), deal(11, 1, 1, 200, 'USD'), deal(12, 1, 2, 50, 'EUR')],
      count: 3,
      totals: [
        { currency: 'EUR', amountMinor: 150 },
        { currency: 'USD', amountMinor: 200 },
      ],
    },
    {
      stage: stage(2, 'S2'),
      deals: [deal(20, 2, 0, 7, 'EUR')],
      count: 1,
      totals: [{ currency: 'EUR', amountMinor: 7 }],
    },
  ],
};
const layout = (b: Board) => b.stages.map((c) => c.deals.map((d) => `${d.id}@${d.position}`).join(' '));

describe('the optimistic move', () => {
  it('moves across stages, recomputing counts and totals per currency', () => {
    const moved = applyMove(board, 11, 2, 20);
    expect(layout(moved)).toEqual(['10@0 12@1', '11@0 20@1']);
    expect(moved.stages[0]).toMatchObject({ count: 2, totals: [{ currency: 'EUR', amountMinor: 150 }] });
    expect(moved.stages[1]).toMatchObject({
      count: 2,
      totals: [
        { currency: 'EUR', amountMinor: 7 },
        { currency: 'USD', amountMinor: 200 },
      ],
    });
    expect(moved.stages[1]!.deals[0]).toMatchObject({ stageId: 2, stageName: 'S2' });
    // The board it came from is untouched (it is put back if the call fails).
    expect(layout(board)).toEqual(['10@0 11@1 12@2', '20@0']);
  });

  it('reorders within a stage and knows a drop in place changes nothing', () => {
    expect(layout(applyMove(board, 12, 1, 10))).toEqual(['12@0 10@1 11@2', '20@0']);
    expect(layout(applyMove(board, 10, 1, null))).toEqual(['11@0 12@1 10@2', '20@0']);
    expect(isNoOp(board, 10, 1, 11)).toBe(true);
    expect(isNoOp(board, 12, 1, null)).toBe(true);
    expect(isNoOp(board, 10, 1, 12)).toBe(false);
    expect(isNoOp(board, 10, 2, null)).toBe(false);
  });
});
