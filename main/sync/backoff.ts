/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"): a random delay in [base, min(cap, base * 2^attempt)], so many clients that failed
 * together do not retry together.
 */
export function backoffDelay(attempt: number, baseMs = 1_000, capMs = 5 * 60_000, random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(baseMs + random() * Math.max(0, ceiling - baseMs));
}
