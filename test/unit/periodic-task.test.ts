import { describe, expect, it } from 'vitest';
import { jitteredDelay, PeriodicTask, type SetTimer } from '../../main/util/periodic-task.js';

/** A timer driven by hand: the test fires the pending run when it wants. */
function handTimer() {
  const pending: { run: () => void; ms: number; cancelled: boolean }[] = [];
  const setTimer: SetTimer = (run, ms) => {
    const entry = { run, ms, cancelled: false };
    pending.push(entry);
    return { cancel: () => void (entry.cancelled = true) };
  };
  return { setTimer, pending };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('PeriodicTask', () => {
  it('runs at start, then after each delay drawn anew, reporting each scheduled result', async () => {
    const timer = handTimer();
    const delays = [10, 20, 30];
    let runs = 0;
    const results: number[] = [];
    const task = new PeriodicTask({
      run: async () => ++runs,
      nextDelayMs: () => delays.shift()!,
      onScheduledResult: (n) => results.push(n),
      setTimer: timer.setTimer,
    });
    task.start();
    task.start(); // a second start is no second schedule
    await settle();
    expect(runs).toBe(1);
    expect(timer.pending.map((t) => t.ms)).toEqual([10]);
    timer.pending[0]!.run();
    await settle();
    expect(runs).toBe(2);
    expect(timer.pending.map((t) => t.ms)).toEqual([10, 20]);
    expect(results).toEqual([1, 2]);
    await task.stop();
  });

  it('shares a run in flight between callers, and stop waits for it and schedules nothing more', async () => {
    const timer = handTimer();
    const gate = deferred<string>();
    let runs = 0;
    const task = new PeriodicTask({
      run: () => (runs++, gate.promise),
      nextDelayMs: () => 5,
      setTimer: timer.setTimer,
    });
    task.start();
    const asked = task.runOnce();
    expect(runs).toBe(1);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    gate.resolve('done');
    expect(await asked).toBe('done');
    await stopping;
    await settle();
    expect(timer.pending).toEqual([]);
    // After the run, a new one starts afresh rather than returning the old result.
    const again = task.runOnce();
    expect(runs).toBe(2);
    await expect(again).resolves.toBe('done');
  });

  it('cancels the pending timer on stop', async () => {
    const timer = handTimer();
    const task = new PeriodicTask({ run: async () => 1, nextDelayMs: () => 5, setTimer: timer.setTimer });
    task.start();
    await settle();
    expect(timer.pending).toHaveLength(1);
    await task.stop();
    expect(timer.pending[0]!.cancelled).toBe(true);
  });
});

describe('jitteredDelay', () => {
  it('is uniform over [min, max)', () => {
    expect(jitteredDelay(60_000, 120_000, () => 0)).toBe(60_000);
    expect(jitteredDelay(60_000, 120_000, () => 0.5)).toBe(90_000);
    expect(jitteredDelay(60_000, 120_000, () => 0.999_999)).toBe(119_999);
  });
});
