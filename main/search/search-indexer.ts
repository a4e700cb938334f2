import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import { BatchSizer } from './batch-sizer.js';

export type SearchIndexerOptions = {
  store: () => Store;
  log: Logger;
  /** How long one batch of the background loop may hold the core's event loop (and the store's write lock). */
  batchBudgetMs?: number;
  /**
   * The same for catchUp(), when a search waits for the whole backlog. Larger batches index the
   * backlog 2-3 times faster (main/search/batch-sizer.ts); other calls wait at most a batch.
   */
  catchUpBudgetMs?: number;
  /** Tests: the clock batches are timed with. */
  now?: () => number;
  /** How often to look for new mail when nothing nudged the indexer. */
  idleMs?: number;
  /**
   * True while the sync is busy with a pass: the background loop then indexes one batch every
   * busyBatchEveryMs at most, so the sync keeps nearly both cores' worth of CPU and yet, during a
   * first sync of a big mailbox (minutes), the newest mail (stored first) becomes searchable as it
   * comes; the rest is indexed right after. catchUp() (asked for by a search) does not wait.
   */
  busy?: () => boolean;
  busyBatchEveryMs?: number;
};

/**
 * Keeps the full-text index up with the store, outside the sync's transactions. Each batch is one
 * transaction (SearchRepository.indexBatch); its size adapts so a batch takes about batchBudgetMs
 * (catchUpBudgetMs when a search waits), and the next batch waits for setImmediate, so API calls and
 * sync pages interleave with indexing. When caught up it sleeps idleMs, or less when nudge() says new
 * mail was written.
 */
export class SearchIndexer {
  private readonly sizer = new BatchSizer();
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private active: Promise<void> | null = null;
  private readonly budgetMs: number;
  private readonly catchUpBudgetMs: number;
  private readonly idleMs: number;
  private readonly now: () => number;
  private readonly busyBatchEveryMs: number;
  /** When the last batch made while the sync was busy started (this.now()). */
  private lastBusyBatchAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: SearchIndexerOptions) {
    this.budgetMs = options.batchBudgetMs ?? 25;
    this.catchUpBudgetMs = options.catchUpBudgetMs ?? this.budgetMs;
    this.idleMs = options.idleMs ?? 2000;
    this.now = options.now ?? (() => performance.now());
    this.busyBatchEveryMs = options.busyBatchEveryMs ?? 1000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** New mail may be waiting: index it soon rather than at the next idle tick. */
  nudge(): void {
    if (this.running && this.timer) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.active;
  }

  /** Indexes everything pending now, batch by batch, yielding between batches. Returns how many. */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const added = this.runBatch(this.catchUpBudgetMs);
      if (added === 0) return total;
      total += added;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.active = this.loop().finally(() => {
        this.active = null;
      });
    }, delayMs);
  }

  private async loop(): Promise<void> {
    let idle = false;
    try {
      while (this.running) {
        if (this.options.busy?.()) {
          // Paced by the clock, not by the calls: the sync nudges after every page it commits.
          const now = this.now();
          if (now - this.lastBusyBatchAt >= this.busyBatchEveryMs) {
            this.lastBusyBatchAt = now;
            this.runBatch(this.budgetMs);
          }
          if (this.running) this.schedule(this.busyBatchEveryMs);
          return;
        }
        if (this.runBatch(this.budgetMs) === 0) {
          idle = true;
          break;
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      // A locked or closed profile, a full disk: try again later, the checkpoint kept our place.
      this.options.log.warn({ err: error }, 'search indexing failed; retrying later');
      idle = true;
    }
    if (this.running && idle) this.schedule(this.idleMs);
  }

  private runBatch(budgetMs: number): number {
    const asked = this.sizer.sizeFor(budgetMs);
    const started = this.now();
    const added = this.options.store().search.indexBatch(asked);
    this.sizer.record(asked, added, this.now() - started);
    return added;
  }
}
