import type { ErrorCode } from '../../../common/errors.js';
import type { SyncState } from '../../../common/domain/mail.js';
import type { Db } from '../sqlcipher.js';

export type SyncHealth = {
  state: SyncState;
  lastSuccessAt: string | null;
  lastError: { code: ErrorCode; message: string; at: string } | null;
  retryAt: string | null;
};

type Row = {
  state: SyncState;
  last_success_at: string | null;
  last_error_code: ErrorCode | null;
  last_error_message: string | null;
  last_error_at: string | null;
  retry_at: string | null;
};

/** Per-account sync health, kept in the store so `clientele status` sees it from another process. */
export class SyncHealthRepository {
  private readonly selectOne;
  private readonly upsert;

  constructor(db: Db) {
    this.selectOne = db.prepare<[string], Row>('SELECT * FROM sync_health WHERE account_id = ?');
    this.upsert = db.prepare(
      `INSERT INTO sync_health (account_id, state, last_success_at, last_error_code, last_error_message, last_error_at, retry_at)
       VALUES (@accountId, @state, @lastSuccessAt, @code, @message, @at, @retryAt)
       ON CONFLICT (account_id) DO UPDATE SET state = excluded.state, last_success_at = excluded.last_success_at,
         last_error_code = excluded.last_error_code, last_error_message = excluded.last_error_message,
         last_error_at = excluded.last_error_at, retry_at = excluded.retry_at`,
    );
  }

  get(accountId: string): SyncHealth {
    const row = this.selectOne.get(accountId);
    if (!row) return { state: 'idle', lastSuccessAt: null, lastError: null, retryAt: null };
    return {
      state: row.state,
      lastSuccessAt: row.last_success_at,
      lastError:
        row.last_error_code && row.last_error_message && row.last_error_at
          ? { code: row.last_error_code, message: row.last_error_message, at: row.last_error_at }
          : null,
      retryAt: row.retry_at,
    };
  }

  set(accountId: string, health: SyncHealth): void {
    this.upsert.run({
      accountId,
      state: health.state,
      lastSuccessAt: health.lastSuccessAt,
      code: health.lastError?.code ?? null,
      message: health.lastError?.message ?? null,
      at: health.lastError?.at ?? null,
      retryAt: health.retryAt,
    });
  }
}
