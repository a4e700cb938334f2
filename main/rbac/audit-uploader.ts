import { AUDIT_UPLOAD_MAX_EVENTS, AuditUploadOutput, type AuditUploadInput } from '../../common/api/server-audit.js';
import type { TeamRepository } from '../store/repositories/team-repository.js';
import type { Logger } from '../util/logger.js';
import { jitteredDelay, PeriodicTask, type SetTimer } from '../util/periodic-task.js';
import type { PolicyEndpoint } from './policy-fetcher.js';

export type UploadOutcome =
  /** Every queued event reached the server (or there was none). */
  | { kind: 'uploaded'; acknowledged: number }
  /** The server could not be reached or refused; what it did not acknowledge stays queued. */
  | { kind: 'failed'; acknowledged: number; status: number | null; message: string }
  | { kind: 'not-enrolled' };

export type AuditUploaderOptions = {
  team: () => TeamRepository;
  endpoint: () => PolicyEndpoint | null;
  log: Logger;
  fetch?: typeof globalThis.fetch;
  random?: () => number;
  setTimer?: SetTimer;
  requestTimeoutMs?: number;
  batchSize?: number;
};

export const AUDIT_UPLOAD_MIN_MS = 60_000;
export const AUDIT_UPLOAD_MAX_MS = 120_000;
/** A long-offline outbox drains over several runs rather than in one burst. */
const MAX_BATCHES_PER_RUN = 20;

/**
 * Sends the audit outbox to the team server (`POST /api/audit/events` with the session token) at
 * start and every 60–120 s, in batches. An event leaves the outbox only once the server has
 * acknowledged its id; the server stores each id once, so re-sending a batch whose response was
 * lost is harmless. Offline, events simply wait.
 */
export class AuditUploader {
  private readonly task: PeriodicTask<UploadOutcome>;

  constructor(private readonly options: AuditUploaderOptions) {
    this.task = new PeriodicTask({
      run: () =>
        this.uploadNow().catch((error: unknown): UploadOutcome => ({
          kind: 'failed',
          acknowledged: 0,
          status: null,
          message: error instanceof Error ? error.message : String(error),
        })),
      nextDelayMs: () => this.nextDelayMs(),
      onScheduledResult: (outcome) => {
        if (outcome.kind === 'failed')
          this.options.log.info({ status: outcome.status }, 'audit upload failed; events stay queued');
      },
      ...(options.setTimer ? { setTimer: options.setTimer } : {}),
    });
  }

  start(): void {
    this.task.start();
  }

  /** Stops the schedule; resolves once a run in flight is over (it may still write to the store). */
  stop(): Promise<void> {
    return this.task.stop();
  }

  nextDelayMs(): number {
    return jitteredDelay(AUDIT_UPLOAD_MIN_MS, AUDIT_UPLOAD_MAX_MS, this.options.random);
  }

  /** One run (batches until the outbox is empty); concurrent callers share it. Never throws. */
  uploadOnce(): Promise<UploadOutcome> {
    return this.task.runOnce();
  }

  private async uploadNow(): Promise<UploadOutcome> {
    let endpoint: PolicyEndpoint | null;
    let team: TeamRepository;
    try {
      endpoint = this.options.endpoint();
      team = this.options.team();
    } catch {
      return { kind: 'not-enrolled' }; // a locked profile has nothing to read
    }
    if (!endpoint) return { kind: 'not-enrolled' };
    const batchSize = Math.min(this.options.batchSize ?? AUDIT_UPLOAD_MAX_EVENTS, AUDIT_UPLOAD_MAX_EVENTS);
    let acknowledged = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch += 1) {
      const pending = team.pendingAudit(batchSize);
      if (pending.length === 0) break;
      const input: AuditUploadInput = {
        events: pending.map((event) => ({ id: event.eventId, at: event.at, kind: event.kind, detail: event.detail })),
      };
      const sent = await this.send(endpoint, input);
      if (!sent.ok) return { kind: 'failed', acknowledged, status: sent.status, message: sent.message };
      // Only ids of this batch: a confused server can't make the desktop forget other events.
      const ours = new Set(input.events.map((event) => event.id));
      const done = sent.acknowledged.filter((id) => ours.has(id));
      team.deleteAuditEvents(done);
      acknowledged += done.length;
      if (done.length === 0) break; // nothing moved: don't spin on the same batch
    }
    return { kind: 'uploaded', acknowledged };
  }

  private async send(
    endpoint: PolicyEndpoint,
    input: AuditUploadInput,
  ): Promise<{ ok: true; acknowledged: string[] } | { ok: false; status: number | null; message: string }> {
    let response: Response;
    let text: string;
    try {
      const fetchFn = this.options.fetch ?? globalThis.fetch;
      response = await fetchFn(new URL('/api/audit/events', endpoint.serverUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${endpoint.sessionToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 15_000),
      });
      text = await response.text();
    } catch (error) {
      return { ok: false, status: null, message: error instanceof Error ? error.message : String(error) };
    }
    if (response.status !== 200) {
      return { ok: false, status: response.status, message: `The team server answered ${response.status}.` };
    }
    const parsed = AuditUploadOutput.safeParse(parseJson(text)?.value);
    if (!parsed.success) {
      return { ok: false, status: response.status, message: 'The team server sent no acknowledgement.' };
    }
    return { ok: true, acknowledged: parsed.data.acknowledged };
  }
}

function parseJson(text: string): { value?: unknown } | null {
  try {
    return JSON.parse(text) as { value?: unknown } | null;
  } catch {
    return null;
  }
}
