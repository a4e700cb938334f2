import { describe, expect, it } from 'vitest';
import { RateGovernor, type RateClock } from '../../main/sync/rate-governor.js';

/** Virtual time: sleeping moves the clock, so minutes of quota pass in microseconds. */
function virtualClock(): RateClock & { advance(ms: number): void } {
  let now = 1_000_000;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** The most units admitted within any window of `windowMs`. */
function busiestWindow(admissions: { at: number; units: number }[], windowMs: number): number {
  let most = 0;
  for (const start of admissions) {
    const inside = admissions.filter((a) => a.at >= start.at && a.at < start.at + windowMs);
    most = Math.max(
      most,
      inside.reduce((sum, a) => sum + a.units, 0),
    );
  }
  return most;
}

describe('RateGovernor', () => {
  it('never admits more than the budget within any window, and runs at the budget when busy', async () => {
    const clock = virtualClock();
    const governor = new RateGovernor({ units: 250, windowMs: 1000, maxConcurrent: 10, clock });
    const admissions: { at: number; units: number }[] = [];
    const start = clock.now();
    await Promise.all(
      Array.from({ length: 300 }, () =>
        governor.run(5, async () => {
          admissions.push({ at: clock.now(), units: 5 });
        }),
      ),
    );
    expect(busiestWindow(admissions, 1000)).toBeLessThanOrEqual(250);
    // 1,500 units at 250 per second: the last batch goes in at 5 s, not later.
    const elapsed = Math.max(...admissions.map((a) => a.at)) - start;
    expect(elapsed).toBeGreaterThanOrEqual(5000);
    expect(elapsed).toBeLessThanOrEqual(5000 + 10);
  });

  it('keeps at most maxConcurrent requests in flight', async () => {
    const governor = new RateGovernor({ units: 1000, windowMs: 1000, maxConcurrent: 4 });
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        governor.run(1, async () => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 1 + (i % 3)));
          inFlight -= 1;
        }),
      ),
    );
    expect(most).toBe(4);
  });

  it('frees the slot of a request that failed', async () => {
    const governor = new RateGovernor({ units: 1000, windowMs: 1000, maxConcurrent: 1 });
    await expect(governor.run(1, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(governor.run(1, async () => 'next')).resolves.toBe('next');
  });

  it('holds every request for Retry-After (with at most 10% jitter) once the server asks', async () => {
    const clock = virtualClock();
    const governor = new RateGovernor({ units: 1000, windowMs: 1000, maxConcurrent: 4, clock });
    await governor.run(1, async () => undefined);
    const pausedAt = clock.now();
    governor.pause(30_000);
    expect(governor.state().pausedUntil).toBeGreaterThanOrEqual(pausedAt + 30_000);
    let ranAt = 0;
    await governor.run(1, async () => {
      ranAt = clock.now();
    });
    expect(ranAt - pausedAt).toBeGreaterThanOrEqual(30_000);
    expect(ranAt - pausedAt).toBeLessThanOrEqual(33_000);
    expect(governor.state().pausedUntil).toBeNull();
  });

  it('serves callers in order, so a costly call is not starved by cheap ones', async () => {
    const clock = virtualClock();
    const governor = new RateGovernor({ units: 100, windowMs: 1000, maxConcurrent: 10, clock });
    const order: string[] = [];
    const calls = [
      governor.run(60, async () => order.push('a60')),
      governor.run(60, async () => order.push('b60')),
      governor.run(1, async () => order.push('c1')),
    ];
    await Promise.all(calls);
    expect(order).toEqual(['a60', 'b60', 'c1']);
  });
});
