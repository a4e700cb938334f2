/**
 * Notices that the computer slept: a timer that should tick every `intervalMs` finds the clock
 * moved much further. After a sleep, connections can be dead without knowing it (no FIN ever
 * came; an IDLE would wait for news forever), so the sync reconnects and catches up.
 *
 * A clock check works wherever the core runs (Electron utility process, browser mode, CLI); the
 * Electron shell may also report its powerMonitor 'resume' through the same entry point.
 */
export type WakeDetectorOptions = {
  /** How often to look (default 5 s). */
  intervalMs?: number;
  /** Lateness that counts as a sleep, beyond the interval (default 15 s: a busy event loop is not a sleep). */
  toleranceMs?: number;
  /** The clock (tests move it). */
  now?: () => number;
};

export function detectWake(onWake: (sleptMs: number) => void, options: WakeDetectorOptions = {}): { stop(): void } {
  const intervalMs = options.intervalMs ?? 5000;
  const toleranceMs = options.toleranceMs ?? 15_000;
  const now = options.now ?? Date.now;
  let last = now();
  const timer = setInterval(() => {
    const current = now();
    const late = current - last - intervalMs;
    last = current;
    if (late > toleranceMs) onWake(late);
  }, intervalMs);
  // Never what keeps the process alive.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
