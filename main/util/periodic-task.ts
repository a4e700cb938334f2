/** A pending timer that can be cancelled (setTimeout in production, a hand-driven one in tests). */
export type Timer = { cancel(): void };
export type SetTimer = (run: () => void, ms: number) => Timer;

export type PeriodicTaskOptions<T> = {
  /** One run. Must not throw: report failure in T (the schedule goes on whatever happens). */
  run: () => Promise<T>;
  /** The delay before the next run, asked after each run (so jitter is drawn anew every time). */
  nextDelayMs: () => number;
  /** Told of every scheduled run's result (runs asked for with runOnce are the caller's). */
  onScheduledResult?: (result: T) => void;
  setTimer?: SetTimer;
};

/**
 * Runs a task at start and then again after each delay until stopped, one run at a time: a run
 * asked for while one is in flight shares it. The background work of the desktop's team client
 * (policy fetch, audit upload) is built on it, each with its own interval and run.
 */
export class PeriodicTask<T> {
  private timer: Timer | null = null;
  private running = false;
  private inFlight: Promise<T> | null = null;

  constructor(private readonly options: PeriodicTaskOptions<T>) {}

  /** Runs now, then on the schedule until stop(). Starting twice changes nothing. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.tick();
  }

  /** Stops the schedule; resolves once a run in flight is over (it may still be writing somewhere). */
  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    this.timer = null;
    await this.inFlight;
  }

  /** One run now; concurrent callers share it. */
  runOnce(): Promise<T> {
    this.inFlight ??= this.options.run().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private tick(): void {
    void this.runOnce().then((result) => {
      this.options.onScheduledResult?.(result);
      if (!this.running) return;
      const setTimer = this.options.setTimer ?? unrefTimer;
      this.timer = setTimer(() => this.tick(), this.options.nextDelayMs());
    });
  }
}

/** A uniform delay in [minMs, maxMs): spreads the desktops of one workspace over the interval. */
export function jitteredDelay(minMs: number, maxMs: number, random: () => number = Math.random): number {
  return minMs + Math.floor(random() * (maxMs - minMs));
}

/** setTimeout that does not keep the process alive for a background schedule. */
function unrefTimer(run: () => void, ms: number): Timer {
  const handle = setTimeout(run, ms);
  handle.unref();
  return { cancel: () => clearTimeout(handle) };
}
