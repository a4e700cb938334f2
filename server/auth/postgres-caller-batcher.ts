import type pg from 'pg';
import {
  callerSql,
  COL,
  EPOCH_SQL,
  POLICY_LEVELS,
  POLICY_NONE,
  type CallerRow,
  type PolicyRead,
} from './caller-sql.js';
import { SESSION_POLICY } from './sessions.js';

type Waiter = { resolve(row: CallerRow | undefined): void; reject(error: unknown): void };

type Queued = {
  policy: PolicyRead;
  /** The latest request time among the waiters: what a kept row's session is judged at. */
  now: number;
  waiters: Waiter[];
  /** A kept row was found out of date for it: only the full statement may answer. */
  mustRead: boolean;
};

/** At most this many token hashes per batched statement; more wait for the next one. */
const MAX_BATCH = 256;
/** Rows kept per token hash between two moves of the counter, at most. */
const ROWS_KEPT = 4096;
const BATCH_SQL = POLICY_LEVELS.map((level) => callerSql('postgres', level, true));
const BATCH_NAMES = ['clientele_callers', 'clientele_callers_version', 'clientele_callers_copy'];
const EPOCH_NAME = 'clientele_auth_epoch';

/**
 * PostgreSQL: concurrent reads share statements. A read queues its token hash; the queue is sent as
 * one statement (`token_hash = ANY($1)`) as soon as fewer than `maxInFlight` are on their way, so
 * under load one round trip answers every request that arrived meanwhile, and alone a read goes out
 * at once (after the current event-loop turn, which gathers the requests parsed in it). Every read is
 * answered by a statement sent after it was queued: it sees everything committed before its request
 * arrived, as a statement of its own would (a revocation is never answered from an older read).
 *
 * Rows read are kept with the auth_epoch counter their statement saw (server/db/migrations/0011: every
 * commit that changes what the statement returns moves it). A batch whose every read has a kept row
 * sends only `SELECT n FROM auth_epoch`: if the counter has not moved, the kept rows are exactly what
 * the full statement would return now, and they answer; if it moved, the batch goes out again as the
 * full statement. Either way the answer comes from a statement sent after the request arrived. The
 * counter leaves out the once-a-minute touch of a session's last_seen_at and expires_at, so a kept row
 * answers only while its own copy says the session is live and no touch is due; otherwise the read
 * goes to the database (which has the touch another instance made).
 */
export class PostgresBatcher {
  private queue = new Map<string, Queued>();
  private inFlight = 0;
  private scheduled = false;
  /** Rows by token hash, each with the level it was read at; all read at counter `epoch`. */
  private readonly kept = new Map<string, { row: CallerRow; policy: PolicyRead }>();
  private epoch: number | undefined;

  constructor(
    private readonly pool: Pick<pg.Pool, 'query'>,
    private readonly maxInFlight = 2,
    private readonly touchEveryMs = SESSION_POLICY.touchEveryMs,
  ) {}

  read(tokenHash: string, policy: PolicyRead, now: number): Promise<CallerRow | undefined> {
    return new Promise((resolve, reject) => this.enqueue(tokenHash, policy, now, [{ resolve, reject }], false));
  }

  private enqueue(tokenHash: string, policy: PolicyRead, now: number, waiters: Waiter[], mustRead: boolean): void {
    const queued = this.queue.get(tokenHash);
    if (queued) {
      if (policy > queued.policy) queued.policy = policy;
      if (now > queued.now) queued.now = now;
      queued.mustRead ||= mustRead;
      queued.waiters.push(...waiters);
    } else {
      this.queue.set(tokenHash, { policy, now, waiters, mustRead });
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.size === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight >= this.maxInFlight || this.queue.size === 0) return;
    const batch = new Map<string, Queued>();
    for (const [hash, entry] of this.queue) {
      if (batch.size >= MAX_BATCH) break;
      batch.set(hash, entry);
    }
    for (const hash of batch.keys()) this.queue.delete(hash);
    this.inFlight += 1;
    const kept = this.keptFor(batch);
    const sent = kept ? this.confirm(batch, kept.rows, kept.epoch) : this.readAll(batch);
    void sent.finally(() => {
      this.inFlight -= 1;
      this.schedule();
    });
    this.schedule();
  }

  /** The kept rows that answer every read of the batch, or undefined when one has none it may use. */
  private keptFor(batch: Map<string, Queued>): { rows: Map<string, CallerRow>; epoch: number } | undefined {
    if (this.epoch === undefined) return undefined;
    const rows = new Map<string, CallerRow>();
    for (const [hash, entry] of batch) {
      const kept = this.kept.get(hash);
      if (entry.mustRead || !kept || kept.policy < entry.policy || !this.usable(kept.row, entry.now)) return undefined;
      rows.set(hash, kept.row);
    }
    return { rows, epoch: this.epoch };
  }

  /**
   * Whether a kept row may answer at `now`. A revoked session or a disabled user is refused whatever
   * the time (undoing either moves the counter). Otherwise the row's last_seen_at and expires_at may be
   * older than the database's (touches don't move the counter): it answers only while those say the
   * session is live and no touch is due, so an old copy can send a read to the database, never let one
   * through that the database would refuse.
   */
  private usable(row: CallerRow, now: number): boolean {
    if (row[COL.revoked_at] !== null || row[COL.disabled_at] !== null) return true;
    return Number(row[COL.expires_at]) > now && now - Number(row[COL.last_seen_at]) < this.touchEveryMs;
  }

  /** One round trip for the counter: unmoved, the kept rows answer; moved, the batch is read again. */
  private confirm(batch: Map<string, Queued>, rows: Map<string, CallerRow>, epoch: number): Promise<void> {
    return this.pool.query<unknown[]>({ name: EPOCH_NAME, text: EPOCH_SQL, values: [], rowMode: 'array' }).then(
      (result) => {
        if (Number(result.rows[0]?.[0]) === epoch) {
          for (const [hash, entry] of batch) for (const waiter of entry.waiters) waiter.resolve(rows.get(hash));
          return;
        }
        for (const [hash, entry] of batch) this.enqueue(hash, entry.policy, entry.now, entry.waiters, true);
      },
      (error: unknown) => this.fail(batch, error),
    );
  }

  private readAll(batch: Map<string, Queued>): Promise<void> {
    // The statement reads as much of the policy row as the most demanding read of the batch.
    let policy: PolicyRead = POLICY_NONE;
    for (const entry of batch.values()) if (entry.policy > policy) policy = entry.policy;
    return this.pool
      .query<unknown[]>({
        name: BATCH_NAMES[policy]!,
        text: BATCH_SQL[policy]!,
        values: [[...batch.keys()]],
        rowMode: 'array',
      })
      .then(
        (result) => {
          // Each row ends with the counter (the same in all: one snapshot), taken off so rows are COL only.
          let epoch: number | undefined;
          for (const row of result.rows) epoch = Number(row.pop());
          const rows = new Map(result.rows.map((row) => [row[COL.token_hash] as string, row]));
          if (epoch !== undefined) this.keep(rows, policy, epoch);
          for (const [hash, entry] of batch) for (const waiter of entry.waiters) waiter.resolve(rows.get(hash));
        },
        (error: unknown) => this.fail(batch, error),
      );
  }

  /**
   * Keeps a statement's rows under the counter it saw. Statements may come back out of order: rows
   * seen at an older counter than the kept ones are not kept; a newer one drops every row kept before.
   */
  private keep(rows: Map<string, CallerRow>, policy: PolicyRead, epoch: number): void {
    if (this.epoch !== undefined && epoch < this.epoch) return;
    if (this.epoch === undefined || epoch > this.epoch) {
      this.kept.clear();
      this.epoch = epoch;
    }
    for (const [hash, row] of rows) {
      // Bounded: every live token can be kept, a flood of sessions only empties it more often.
      if (this.kept.size >= ROWS_KEPT && !this.kept.has(hash)) this.kept.clear();
      this.kept.set(hash, { row, policy });
    }
  }

  private fail(batch: Map<string, Queued>, error: unknown): void {
    for (const entry of batch.values()) for (const waiter of entry.waiters) waiter.reject(error);
  }
}
