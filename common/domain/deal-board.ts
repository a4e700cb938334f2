import type { Board, BoardColumn, CurrencyTotal, DealCard } from './deals.js';

/**
 * The board as it will be once a deal has moved: the same rule as the store (before `beforeId`,
 * or last; positions dense; counts and totals per currency recomputed). The page shows it at
 * once and keeps the old board to put back if the call fails.
 */
export function applyMove(board: Board, dealId: number, stageId: number, beforeId: number | null): Board {
  const deal = board.stages.flatMap((column) => column.deals).find((d) => d.id === dealId);
  const target = board.stages.find((column) => column.stage.id === stageId);
  if (!deal || !target) return board;
  const moved: DealCard = { ...deal, stageId, stageName: target.stage.name, stageKind: target.stage.kind };
  return {
    ...board,
    stages: board.stages.map((column) => {
      let deals = column.deals.filter((d) => d.id !== dealId);
      if (column.stage.id === stageId) {
        const at = beforeId === null ? -1 : deals.findIndex((d) => d.id === beforeId);
        deals = at === -1 ? [...deals, moved] : [...deals.slice(0, at), moved, ...deals.slice(at)];
      }
      if (deals.length === column.deals.length && deals.every((d, i) => d === column.deals[i])) return column;
      return withTotals({
        ...column,
        deals: deals.map((d, position) => (d.position === position ? d : { ...d, position })),
      });
    }),
  };
}

/** Whether a move would change anything (dropping a card where it already is does not). */
export function isNoOp(board: Board, dealId: number, stageId: number, beforeId: number | null): boolean {
  const column = board.stages.find((c) => c.stage.id === stageId);
  const index = column?.deals.findIndex((d) => d.id === dealId) ?? -1;
  if (!column || index === -1) return false;
  const next = column.deals[index + 1];
  return beforeId === null ? next === undefined : next?.id === beforeId;
}

export function withTotals(column: BoardColumn): BoardColumn {
  const sums = new Map<string, number>();
  for (const deal of column.deals) sums.set(deal.currency, (sums.get(deal.currency) ?? 0) + deal.amountMinor);
  const totals: CurrencyTotal[] = [...sums.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, amountMinor]) => ({ currency, amountMinor }));
  return { ...column, count: column.deals.length, totals };
}
