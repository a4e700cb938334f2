import type { PolicyRejection } from '../../common/rbac/policy.js';
import type { Logger } from '../util/logger.js';
import { jitteredDelay, PeriodicTask, type SetTimer } from '../util/periodic-task.js';
import type { ServerPolicySource } from './server-policy-source.js';

/** Where to ask and as whom; null while the profile is not enrolled (or locked). */
export type PolicyEndpoint = { serverUrl: string; sessionToken: string };

export type FetchOutcome =
  | { kind: 'updated'; version: number }
  | { kind: 'not-modified' }
  | { kind: 'rejected'; code: PolicyRejection; message: string }
  /** The server could not be reached or refused the session; the policy in force stays. */
  | { kind: 'failed'; status: number | null; message: string }
  | { kind: 'not-enrolled' };

export type PolicyFetcherOptions = {
  source: ServerPolicySource;
  endpoint: () => PolicyEndpoint | null;
  log: Logger;
  fetch?: typeof globalThis.fetch;
  /** 0..1; jitter spreads the desktops of one workspace over the interval. */
  random?: () => number;
  setTimer?: SetTimer;
  requestTimeoutMs?: number;
  /**
   * A fixed delay between fetches instead of the 60–120 s jitter: for tests and demos only (see
   * policyFetchIntervalFromEnv), so a narrowed role shows within seconds.
   */
  intervalMs?: number;
  /** Called after a fetched policy was verified and stored (the core tells the UI: policy.changed). */
  onUpdated?: (version: number) => void;
};

export const POLICY_FETCH_MIN_MS = 60_000;
export const POLICY_FETCH_MAX_MS = 120_000;

/**
 * Keeps the policy fresh: `GET {server}/api/policy` with the session token at start and then every
 * 60–120 s (random jitter), sending the stored policy's ETag as If-None-Match so an unchanged policy
 * costs a 304. Whatever goes wrong (network, HTTP error, a policy that fails verification) the last
 * good policy stays in force; only its expiry plus the offline grace ends it (ServerPolicySource).
 */
export class PolicyFetcher {
  private readonly task: PeriodicTask<FetchOutcome>;

  constructor(private readonly options: PolicyFetcherOptions) {
    this.task = new PeriodicTask({
      run: () => this.fetchNow(),
      nextDelayMs: () => this.nextDelayMs(),
      onScheduledResult: (outcome) => {
        if (outcome.kind === 'failed')
          this.options.log.info({ status: outcome.status }, 'policy fetch failed; kept the policy in force');
      },
      ...(options.setTimer ? { setTimer: options.setTimer } : {}),
    });
  }

  /** Fetches now, then on the jittered interval until stop(). */
  start(): void {
    this.task.start();
  }

  /** Stops the schedule; resolves once a fetch in flight is over. */
  stop(): Promise<void> {
    return this.task.stop();
  }

  /** The delay before the next fetch: uniform in [60 s, 120 s), or the fixed test interval. */
  nextDelayMs(): number {
    if (this.options.intervalMs !== undefined) return this.options.intervalMs;
    return jitteredDelay(POLICY_FETCH_MIN_MS, POLICY_FETCH_MAX_MS, this.options.random);
  }

  /** One fetch; concurrent callers share it. Never throws. */
  fetchOnce(): Promise<FetchOutcome> {
    return this.task.runOnce();
  }

  private async fetchNow(): Promise<FetchOutcome> {
    let endpoint: PolicyEndpoint | null;
    try {
      endpoint = this.options.endpoint();
    } catch {
      endpoint = null; // a locked profile has no endpoint to read
    }
    if (!endpoint) return { kind: 'not-enrolled' };
    const etag = this.options.source.storedEtag();
    const headers: Record<string, string> = {
      authorization: `Bearer ${endpoint.sessionToken}`,
      accept: 'application/jose',
    };
    if (etag) headers['if-none-match'] = etag;

    let response: Response;
    let body: string;
    try {
      const fetchFn = this.options.fetch ?? globalThis.fetch;
      response = await fetchFn(new URL('/api/policy', endpoint.serverUrl), {
        headers,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 15_000),
      });
      body = await response.text();
    } catch (error) {
      return { kind: 'failed', status: null, message: error instanceof Error ? error.message : String(error) };
    }
    if (response.status === 304) return { kind: 'not-modified' };
    if (response.status !== 200) {
      return { kind: 'failed', status: response.status, message: `The team server answered ${response.status}.` };
    }
    const verdict = await this.options.source.accept(body.trim(), response.headers.get('etag'));
    if (!verdict.ok) return { kind: 'rejected', code: verdict.code, message: verdict.message };
    this.options.onUpdated?.(verdict.document.version);
    return { kind: 'updated', version: verdict.document.version };
  }
}

/** The environment variable that shortens the policy fetch interval (tests, demos). */
export const POLICY_FETCH_INTERVAL_ENV = 'CLIENTELE_POLICY_FETCH_INTERVAL_MS';

/**
 * The fixed fetch interval asked for in the environment, if any: whole milliseconds from 1 s up to
 * the normal maximum (a longer one would let a narrowed role linger), anything else ignored.
 */
export function policyFetchIntervalFromEnv(env: Record<string, string | undefined>): number | undefined {
  const raw = env[POLICY_FETCH_INTERVAL_ENV];
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined;
  const ms = Number(raw.trim());
  return ms >= 1_000 && ms <= POLICY_FETCH_MAX_MS ? ms : undefined;
}
