/** The first batch, before anything is known of what a message costs. */
export const FIRST_BATCH = 50;
export const MIN_BATCH = 5;
export const MAX_BATCH = 2000;
/** How much the newest batch counts in the running cost per message. */
const NEWEST_WEIGHT = 0.2;

/**
 * Sizes the indexer's batches so each takes about a given time, from the running average cost of a
 * message (an exponentially weighted mean of each batch's time per message).
 *
 * Why an average and not the last batch: some commits pay for FTS5 merging the segments the earlier
 * ones wrote (measured on a 10,000-message mailbox: batches of 12 took about 15 ms at the median and
 * 60-90 ms in the slowest tenth). Halving the batch after each such spike, as the indexer first did,
 * kept it at 6-24 messages, and small batches cost about twice as much per message as large ones
 * (more, smaller segments to write and merge again): those 10,000 messages took 17.6 s of batches
 * that way, 7.8 s in batches of 200-400.
 *
 * A batch grows at most twofold at a time, so one batch of one-line messages does not make the next,
 * of long ones, overrun its budget many times over.
 */
export class BatchSizer {
  private msPerMessage: number | undefined;
  private last = FIRST_BATCH;

  /** How many messages the next batch should take to last about budgetMs. */
  sizeFor(budgetMs: number): number {
    if (this.msPerMessage === undefined) return FIRST_BATCH;
    const fits = Math.round(budgetMs / Math.max(this.msPerMessage, 1e-3));
    return Math.max(MIN_BATCH, Math.min(MAX_BATCH, this.last * 2, fits));
  }

  /** A batch of `asked` messages indexed `added` of them in tookMs. */
  record(asked: number, added: number, tookMs: number): void {
    if (added === 0) return;
    const perMessage = tookMs / added;
    this.msPerMessage =
      this.msPerMessage === undefined
        ? perMessage
        : (1 - NEWEST_WEIGHT) * this.msPerMessage + NEWEST_WEIGHT * perMessage;
    this.last = Math.max(asked, MIN_BATCH);
  }
}
