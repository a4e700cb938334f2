import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';

export type SearchIndexerOptions = {
  store: () => Store;
  log: Logger;
  /** How long one batch may hold the core's event loop (and the store's write lock). */
  batchBudgetMs?: number;
  /** How often to look for new mail when nothing nudged the indexer. */
  idleMs?: number;
  /**
   * True while the sync is busy with a pass: the background loop then waits (BUSY_RETRY_MS), so
   * the sync keeps both cores' worth of CPU; what it commits is indexed right after. catchUp()
   * (asked for by a search) does not wait.
   */
  busy?: () => boolean;
};

const BUSY_RETRY_MS = 1000;

const FIRST_BATCH = 50;
const MIN_BATCH = 5;
const MAX_BATCH = 2000;

/**
 * Keeps the full-text index up with the store, outside the sync's transactions. Each batch is one
 * transaction (SearchRepository.indexBatch); its size adapts so a batch takes about batchBudgetMs,
 * and the next batch waits for setImmediate, so API calls and sync pages interleave with indexing.
 * When caught up it sleeps idleMs, or less when nudge() says new mail was written.
 */
export class SearchIndexer {
  private batch = FIRST_BATCH;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private active: Promise<void> | null = null;
  private readonly budgetMs: number;
  private readonly idleMs: number;

  constructor(private readonly options: SearchIndexerOptions) {
    this.budgetMs = options.batchBudgetMs ?? 25;
    this.idleMs = options.idleMs ?? 2000;
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
      const added = this.runBatch();
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
          if (this.running) this.schedule(BUSY_RETRY_MS);
          return;
        }
        if (this.runBatch() === 0) {
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

  private runBatch(): number {
    const started = performance.now();
    const added = this.options.store().search.indexBatch(this.batch);
    const took = performance.now() - started;
    // Aim at the budget: messages vary from a line to 32 KB of indexed text.
    if (added === this.batch && took < this.budgetMs / 2) this.batch = Math.min(MAX_BATCH, this.batch * 2);
    else if (took > this.budgetMs) this.batch = Math.max(MIN_BATCH, Math.floor(this.batch / 2));
    return added;
  }
}
