/**
 * Keeps a driver inside a provider's published limits, per mailbox, so that a large sync runs at
 * the quota's ceiling instead of bouncing off 429s:
 *
 * - a budget of `units` per sliding `windowMs` (Gmail: 15,000 quota units per user per minute,
 *   each method costing its units; Graph: 10,000 requests per 10 minutes per mailbox, 1 each);
 * - at most `maxConcurrent` requests in flight (Graph: 4 per mailbox);
 * - a pause for everyone when the server says so (429/503 Retry-After), with jitter so that
 *   several mailboxes do not come back in the same instant.
 *
 * The window is a log of what was spent when, so no window of `windowMs` ever holds more than
 * `units`: the same rule a server applies with a moving window, and at steady state exactly its
 * ceiling.
 */
export type RateGovernorOptions = {
  units: number;
  windowMs: number;
  maxConcurrent: number;
  /** Fraction of a pause added at random (0.1: up to 10% longer). */
  jitter?: number;
  clock?: RateClock;
};

/** Time and timers, replaceable in tests. */
export type RateClock = { now(): number; sleep(ms: number): Promise<void> };

export const realClock: RateClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type RateGovernorState = {
  inFlight: number;
  /** Units spent within the current window. */
  spent: number;
  /** When a server-imposed pause ends (epoch ms), or null. */
  pausedUntil: number | null;
};

type Spend = { at: number; units: number };

export class RateGovernor {
  private readonly log: Spend[] = [];
  private spentInLog = 0;
  private inFlight = 0;
  private pausedUntil = 0;
  private readonly clock: RateClock;
  private readonly jitter: number;
  /** Callers waiting their turn, oldest first: served in order, so none starves. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: RateGovernorOptions) {
    if (!(options.units > 0 && options.windowMs > 0 && options.maxConcurrent >= 1)) {
      throw new Error('RateGovernor needs units > 0, windowMs > 0 and maxConcurrent >= 1');
    }
    this.clock = options.clock ?? realClock;
    this.jitter = options.jitter ?? 0.1;
  }

  /**
   * Runs `work` once `units` fit in the window and a slot is free. A cost above the whole budget
   * is charged as the whole budget (it could never fit otherwise).
   */
  async run<T>(units: number, work: () => Promise<T>): Promise<T> {
    const cost = Math.min(Math.max(0, units), this.options.units);
    const turn = this.queue.then(() => this.waitForRoom(cost));
    // The next caller waits for this one to be admitted, not for its work to finish.
    this.queue = turn.catch(() => undefined);
    await turn;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      const wake = this.wake;
      this.wake = null;
      wake?.();
    }
  }

  /** Everyone waits `retryAfterMs` (plus jitter) before the next request: the server asked. */
  pause(retryAfterMs: number): void {
    const jittered = retryAfterMs * (1 + Math.random() * this.jitter);
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + jittered);
  }

  state(): RateGovernorState {
    this.expire(this.clock.now());
    const paused = this.pausedUntil > this.clock.now() ? this.pausedUntil : null;
    return { inFlight: this.inFlight, spent: this.spentInLog, pausedUntil: paused };
  }

  private wake: (() => void) | null = null;

  private async waitForRoom(cost: number): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.expire(now);
      if (this.pausedUntil > now) {
        await this.clock.sleep(this.pausedUntil - now);
        continue;
      }
      if (this.inFlight >= this.options.maxConcurrent) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const over = this.spentInLog + cost - this.options.units;
      if (over > 0) {
        await this.clock.sleep(this.timeUntilFreed(over, now));
        continue;
      }
      this.log.push({ at: now, units: cost });
      this.spentInLog += cost;
      this.inFlight += 1;
      return;
    }
  }

  /** Drops what left the window. */
  private expire(now: number): void {
    let drop = 0;
    while (drop < this.log.length && this.log[drop]!.at <= now - this.options.windowMs) {
      this.spentInLog -= this.log[drop]!.units;
      drop += 1;
    }
    if (drop > 0) this.log.splice(0, drop);
  }

  /** How long until at least `units` of the oldest spending leave the window. */
  private timeUntilFreed(units: number, now: number): number {
    let freed = 0;
    for (const spend of this.log) {
      freed += spend.units;
      if (freed >= units) return Math.max(1, spend.at + this.options.windowMs - now + 1);
    }
    return this.options.windowMs;
  }
}
