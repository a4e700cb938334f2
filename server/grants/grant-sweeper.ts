import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { ServerDatabase } from '../db/schema.js';
import { expireDueGrants } from './grant-expiry.js';

export const GRANT_SWEEP_INTERVAL_MS = 60_000;

/**
 * Records the expiry of grants nobody looked at since they ran out (a desktop left off): policies
 * and lists already ignore an expired grant, this puts `grant.expired` on the record within a
 * minute. Every instance may run it: the expiry is conditional, so each grant is recorded once.
 * Returns stop(), which waits for a sweep in flight.
 */
export function startGrantSweeper(
  db: Kysely<ServerDatabase>,
  clock: Clock,
  log: FastifyBaseLogger,
  intervalMs = GRANT_SWEEP_INTERVAL_MS,
): () => Promise<void> {
  let inFlight: Promise<void> | null = null;
  const timer = setInterval(() => {
    inFlight ??= expireDueGrants(db, clock.now())
      .then(() => undefined)
      .catch((error: unknown) => log.warn({ err: error }, 'the grant expiry sweep failed; the next one retries'))
      .finally(() => {
        inFlight = null;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}
