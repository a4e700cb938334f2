import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { detectWake } from '../../main/sync/wake-detector.js';

describe('detectWake', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('stays quiet while ticks come on time, and reports a jump of the clock as a sleep', () => {
    const wakes: number[] = [];
    const detector = detectWake((slept) => wakes.push(slept), { intervalMs: 1000, toleranceMs: 5000 });
    vi.advanceTimersByTime(10_000);
    expect(wakes).toEqual([]);
    // The machine sleeps for a minute: no timer fired, the clock moved on.
    vi.setSystemTime(Date.now() + 60_000);
    vi.advanceTimersByTime(1000);
    expect(wakes).toHaveLength(1);
    expect(wakes[0]).toBeGreaterThanOrEqual(59_000);
    vi.advanceTimersByTime(5000);
    expect(wakes).toHaveLength(1);
    detector.stop();
  });

  it('does not mistake a busy event loop (a little late) for a sleep', () => {
    const wakes: number[] = [];
    const detector = detectWake((slept) => wakes.push(slept), { intervalMs: 1000, toleranceMs: 5000 });
    vi.setSystemTime(Date.now() + 3000);
    vi.advanceTimersByTime(1000);
    expect(wakes).toEqual([]);
    detector.stop();
  });
});
