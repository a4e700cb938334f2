import { describe, expect, it } from 'vitest';
import { BatchSizer, FIRST_BATCH, MAX_BATCH, MIN_BATCH } from '../../main/search/batch-sizer.js';

/** Runs batches that cost msPerMessage each (a function of the batch number), returns the sizes asked. */
function run(sizer: BatchSizer, budgetMs: number, batches: number, msPerMessage: (n: number) => number): number[] {
  const sizes: number[] = [];
  for (let n = 0; n < batches; n++) {
    const asked = sizer.sizeFor(budgetMs);
    sizes.push(asked);
    sizer.record(asked, asked, asked * msPerMessage(n));
  }
  return sizes;
}

describe('BatchSizer', () => {
  it('starts at the first batch and settles where a batch fills its budget', () => {
    const sizer = new BatchSizer();
    const sizes = run(sizer, 25, 20, () => 0.5);
    expect(sizes[0]).toBe(FIRST_BATCH);
    expect(sizes.at(-1)).toBe(50);
  });

  it('grows at most twofold from one batch to the next', () => {
    const sizer = new BatchSizer();
    const sizes = run(sizer, 1000, 8, () => 0.01);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]! * 2);
    expect(sizes.at(-1)).toBe(MAX_BATCH);
  });

  it('a single slow batch (an FTS5 merge) does not halve the next one', () => {
    const sizer = new BatchSizer();
    run(sizer, 25, 20, () => 1);
    expect(sizer.sizeFor(25)).toBe(25);
    // One commit pays for a merge: five times the usual cost.
    sizer.record(25, 25, 125);
    const after = sizer.sizeFor(25);
    expect(after).toBeGreaterThan(12);
    expect(after).toBeLessThan(25);
    // and it recovers as ordinary batches follow.
    const sizes = run(sizer, 25, 25, () => 1);
    expect(sizes.at(-1)).toBe(25);
  });

  it('shrinks to the budget when messages get costlier, never below the minimum', () => {
    const sizer = new BatchSizer();
    run(sizer, 25, 20, () => 0.25);
    expect(sizer.sizeFor(25)).toBe(100);
    const sizes = run(sizer, 25, 20, () => 50);
    expect(sizes.at(-1)).toBe(MIN_BATCH);
  });

  it('sizes each budget from the same cost', () => {
    const sizer = new BatchSizer();
    run(sizer, 25, 20, () => 0.5);
    expect(sizer.sizeFor(25)).toBe(50);
    // A larger budget may at most double the last batch each time.
    expect(sizer.sizeFor(500)).toBe(100);
    run(sizer, 500, 10, () => 0.5);
    expect(sizer.sizeFor(500)).toBe(1000);
  });

  it('ignores a batch that found nothing', () => {
    const sizer = new BatchSizer();
    run(sizer, 25, 20, () => 0.5);
    sizer.record(50, 0, 3);
    expect(sizer.sizeFor(25)).toBe(50);
  });
});
