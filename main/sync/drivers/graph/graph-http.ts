import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { AppError } from '../../../../common/errors.js';
import type { Logger } from '../../../util/logger.js';
import type { AccessTokenSource } from '../../oauth/access-token.js';
import type { RateGovernor } from '../../rate-governor.js';
import { retryAfterMs, TOKEN_SOURCE_CODE } from './graph-errors.js';

export type GovernedMiddlewareOptions = {
  tokens: AccessTokenSource;
  governor: RateGovernor;
  /** Origin of the API: the bearer token is attached to requests there only. */
  origin: string;
  log: Logger;
  /** Longest Retry-After waited for in place; beyond it the call fails with RATE_LIMIT. */
  maxWaitMs: number;
  /** 429/503 answers retried in place per request. */
  maxRetries: number;
};

/** Graph dispatches at most 4 requests of a batch at once (throttling-limits#outlook-service-limits). */
const BATCH_DISPATCH = 4;

/**
 * The graph client's middleware for this driver, before its HTTPMessageHandler:
 *
 * - attaches `Authorization: Bearer` from the AccessTokenSource (the client's AuthenticationHandler
 *   attaches tokens to https Graph hosts only, and the tests' fake is http on 127.0.0.1); on a 401
 *   it invalidates the token and retries once with a fresh one;
 * - runs every request through the RateGovernor: 1 unit and 1 slot for a request, one unit per
 *   inner request and min(n, 4) slots for a $batch of n (each inner request counts against the
 *   mailbox limits, https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits);
 * - on 429/503 pauses the governor for Retry-After (https://learn.microsoft.com/en-us/graph/throttling)
 *   and retries, up to maxRetries and for waits up to maxWaitMs; otherwise the response goes back
 *   to the caller and maps to RATE_LIMIT with retryAfterMs.
 *
 * The client's RetryHandler is left out on purpose: its retries would bypass the governor.
 */
export class GovernedMiddleware implements Middleware {
  private next: Middleware | null = null;
  /** Serialises the taking of several slots, so that two batches never hold part of them each. */
  private slotLock: Promise<void> = Promise.resolve();

  constructor(private readonly options: GovernedMiddlewareOptions) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const next = this.next;
    if (!next) throw new Error('GovernedMiddleware needs a next middleware');
    const request: unknown = context.request;
    const url = new URL(typeof request === 'string' ? request : (request as { url: string }).url);
    if (url.origin !== this.options.origin) {
      throw new AppError('INTERNAL', `Refusing to send a Microsoft 365 token to ${url.origin}.`);
    }
    const inner = url.pathname.endsWith('/$batch') ? batchSize(context.options?.body) : 1;
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      let token: string;
      try {
        token = await this.options.tokens.accessToken();
      } catch (error) {
        context.response = tokenFailure(error);
        return;
      }
      context.options = {
        ...context.options,
        headers: withHeader(context.options?.headers, 'Authorization', `Bearer ${token}`),
      };
      await this.withSlots(Math.min(inner, BATCH_DISPATCH), inner, () => next.execute(context));
      const response = context.response;
      if (!response) return;
      if (response.status === 401 && !refreshed) {
        refreshed = true;
        this.options.tokens.invalidate();
        await response.arrayBuffer().catch(() => undefined);
        continue;
      }
      if ((response.status === 429 || response.status === 503) && attempt < this.options.maxRetries) {
        const wait = retryAfterMs(response.headers.get('retry-after')) ?? Math.min(1000 * 2 ** attempt, 30_000);
        this.options.governor.pause(wait);
        if (wait > this.options.maxWaitMs) return;
        this.options.log.debug({ status: response.status, wait }, 'graph: throttled, waiting');
        await response.arrayBuffer().catch(() => undefined);
        continue;
      }
      return;
    }
  }

  /** Holds `slots` of the governor's concurrency (and `units` of its window) while `work` runs. */
  async withSlots<T>(slots: number, units: number, work: () => Promise<T>): Promise<T> {
    if (slots <= 1) return this.options.governor.run(units, work);
    const releases: (() => void)[] = [];
    const acquire = this.slotLock.then(async () => {
      for (let i = 0; i < slots; i++) releases.push(await this.holdSlot(i === 0 ? units : 0));
    });
    this.slotLock = acquire.catch(() => undefined);
    try {
      await acquire;
      return await work();
    } finally {
      for (const release of releases) release();
    }
  }

  private holdSlot(units: number): Promise<() => void> {
    return new Promise((resolve, reject) => {
      let release: () => void = () => undefined;
      const held = new Promise<void>((done) => (release = done));
      this.options.governor
        .run(units, () => {
          resolve(release);
          return held;
        })
        .catch(reject);
    });
  }
}

function batchSize(body: unknown): number {
  if (typeof body !== 'string') return 1;
  try {
    const parsed = JSON.parse(body) as { requests?: unknown[] };
    return Math.max(1, parsed.requests?.length ?? 1);
  } catch {
    return 1;
  }
}

function withHeader(headers: unknown, name: string, value: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers instanceof Headers) headers.forEach((v, k) => (out[k] = v));
  else if (headers && typeof headers === 'object') Object.assign(out, headers as Record<string, string>);
  for (const key of Object.keys(out)) if (key.toLowerCase() === name.toLowerCase()) delete out[key];
  out[name] = value;
  return out;
}

/**
 * The graph client turns a thrown error into a GraphError that keeps only its message: a failing
 * token source answers instead with a synthetic Graph error whose code carries the shared code.
 */
function tokenFailure(error: unknown): Response {
  const code = error instanceof AppError ? error.code : 'TEMPORARY';
  const message = error instanceof Error ? error.message : 'The token source failed.';
  return new Response(JSON.stringify({ error: { code: `${TOKEN_SOURCE_CODE}${code}`, message } }), {
    status: code === 'AUTH' ? 401 : 599,
    headers: { 'content-type': 'application/json' },
  });
}
