import { CompiledQuery, type Kysely } from 'kysely';
import type Sqlite from 'better-sqlite3-multiple-ciphers';
import { POSTGRES_READERS, type DatabaseKind, type RawDatabase } from '../db/database.js';
import type { ServerDatabase } from '../db/schema.js';
import type { MaybePromise } from '../maybe-promise.js';
import { callerSql, POLICY_LEVELS, type CallerRow, type PolicyRead } from './caller-sql.js';
import { PostgresBatcher } from './postgres-caller-batcher.js';

type SqliteRead = {
  hash: string;
  policy: PolicyRead;
  resolve(row: CallerRow | undefined): void;
  reject(error: unknown): void;
};

type SqliteStatement = {
  get(...params: unknown[]): unknown;
  raw(toggle: boolean): SqliteStatement;
  pluck(toggle: boolean): SqliteStatement;
};

/** Rows kept per token hash and read level between two changes of the SQLite database, at most. */
const SQLITE_ROWS_KEPT = 4096;

/**
 * Runs the caller statement as cheaply as each database allows:
 * - SQLite: a statement prepared once, run synchronously on the connection when no transaction is
 *   open on it (a read then is its own atomic snapshot); inside someone's transaction it waits its
 *   turn through Kysely like any query, so it never reads another request's uncommitted writes.
 *   The reads that arrive in one event-loop turn are answered together just after it (queueSqlite).
 *   A row read is kept until the database changes, which the reads check first with SQLite's own
 *   counters, two statements: `total_changes()` counts every row this connection inserted,
 *   updated or deleted (this instance's writes, committed or not),
 *   `PRAGMA data_version` moves with every commit of any other connection (another process on the
 *   file, the CLI). Any change drops every row kept, so a kept row is exactly what the statement
 *   would return now: nothing waits for a timeout, a revocation decides the very next request.
 *   (The time checks, expiry and grants running out, are made on every request from the row.)
 * - PostgreSQL: a named prepared statement (parsed and planned once per pooled connection), shared
 *   by the reads that arrive together, its rows kept while the auth_epoch counter stays put
 *   (PostgresBatcher).
 * Without the raw handle (a database opened elsewhere), it goes through Kysely.
 */
export class CallerReader {
  private readonly sqliteStatements = new Map<PolicyRead, SqliteStatement>();
  private sqliteStamp: { changes: SqliteStatement; dataVersion: SqliteStatement } | undefined;
  private changes: unknown = -1;
  private dataVersion: unknown = -1;
  private readonly kept: Map<string, CallerRow>[] = POLICY_LEVELS.map(() => new Map<string, CallerRow>());
  private readonly batcher: PostgresBatcher | undefined;

  constructor(
    private readonly db: Kysely<ServerDatabase>,
    private readonly kind: DatabaseKind,
    private readonly raw?: RawDatabase,
  ) {
    if (raw?.kind === 'postgres') this.batcher = new PostgresBatcher(raw.readers, POSTGRES_READERS);
  }

  /** A promise, settled by a statement (or a counter check) made after the read was queued. */
  read(tokenHash: string, policy: PolicyRead, now: number): MaybePromise<CallerRow | undefined> {
    const raw = this.raw;
    if (raw?.kind === 'sqlite' && !raw.sqlite.inTransaction) return this.queueSqlite(raw.sqlite, tokenHash, policy);
    if (this.batcher) return this.batcher.read(tokenHash, policy, now);
    return this.readThroughKysely(tokenHash, policy);
  }

  /**
   * SQLite reads queued in this event-loop turn: answered together right after it (setImmediate), by
   * one look at the counters for all of them. `PRAGMA data_version` opens a read transaction on the
   * WAL (shm locks, system calls: 5-9 µs a request under load); shared by the requests that arrived
   * together, as PostgreSQL's batches share a round trip. Each read is still answered from a check
   * made after it was queued, so it sees every commit made before its request arrived.
   */
  private sqliteQueue: SqliteRead[] = [];

  private queueSqlite(sqlite: Sqlite.Database, tokenHash: string, policy: PolicyRead): Promise<CallerRow | undefined> {
    return new Promise((resolve, reject) => {
      if (this.sqliteQueue.length === 0) setImmediate(() => this.flushSqlite(sqlite));
      this.sqliteQueue.push({ hash: tokenHash, policy, resolve, reject });
    });
  }

  private flushSqlite(sqlite: Sqlite.Database): void {
    const queue = this.sqliteQueue;
    this.sqliteQueue = [];
    // A transaction opened meanwhile on the connection: its uncommitted writes must not be read, so
    // each read waits its turn through Kysely.
    if (sqlite.inTransaction) {
      for (const read of queue) {
        this.readThroughKysely(read.hash, read.policy).then(
          (row) => read.resolve(row),
          (error: unknown) => read.reject(error),
        );
      }
      return;
    }
    try {
      this.stampSqlite(sqlite);
    } catch (error) {
      for (const read of queue) read.reject(error);
      return;
    }
    for (const read of queue) {
      try {
        read.resolve(this.rowSqlite(sqlite, read.hash, read.policy));
      } catch (error) {
        read.reject(error);
      }
    }
  }

  private async readThroughKysely(tokenHash: string, policy: PolicyRead): Promise<CallerRow | undefined> {
    const result = await this.db.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(callerSql(this.kind, policy), [tokenHash]),
    );
    // Objects keep the select's column order.
    return result.rows[0] && Object.values(result.rows[0]);
  }

  private stampSqlite(sqlite: Sqlite.Database): void {
    // Two statements rather than one `SELECT total_changes(), (SELECT ... FROM pragma_data_version())`:
    // the pragma's table-valued function prepares `PRAGMA data_version` anew on every run (a parse per
    // request); the pragma itself is prepared once.
    this.sqliteStamp ??= {
      changes: (sqlite.prepare('SELECT total_changes()') as unknown as SqliteStatement).pluck(true),
      dataVersion: (sqlite.prepare('PRAGMA data_version') as unknown as SqliteStatement).pluck(true),
    };
    const changes = this.sqliteStamp.changes.get();
    const dataVersion = this.sqliteStamp.dataVersion.get();
    if (changes !== this.changes || dataVersion !== this.dataVersion) {
      for (const rows of this.kept) rows.clear();
      this.changes = changes;
      this.dataVersion = dataVersion;
    }
  }

  private rowSqlite(sqlite: Sqlite.Database, tokenHash: string, policy: PolicyRead): CallerRow | undefined {
    const kept = this.kept[policy]!;
    const found = kept.get(tokenHash);
    if (found) return found;
    let statement = this.sqliteStatements.get(policy);
    if (!statement) {
      statement = (sqlite.prepare(callerSql('sqlite', policy)) as unknown as SqliteStatement).raw(true);
      this.sqliteStatements.set(policy, statement);
    }
    const row = statement.get(tokenHash) as CallerRow | undefined;
    // Only live tokens are kept (random ones sprayed at the server are not), and boundedly.
    if (row) {
      if (kept.size >= SQLITE_ROWS_KEPT) kept.clear();
      kept.set(tokenHash, row);
    }
    return row;
  }
}
