import type { Db } from '../sqlcipher.js';

/** Marks around a matched word in a snippet: private-use characters, never HTML. */
export const MATCH_START = '\uE000';
export const MATCH_END = '\uE001';

export type SearchRow = {
  id: number;
  accountId: string;
  subject: string | null;
  date: string;
  fromJson: string;
  /** bm25 rank (lower is better); only meaningful for ranked queries. */
  rank: number;
};

export type SearchPageQuery = {
  match: string;
  accountId: string | null;
  limit: number;
} & ({ order: 'newest'; after: { date: string; id: number } | null } | { order: 'ranked'; offset: number });

export type IndexProgress = {
  /** Messages waiting to be indexed (an estimate from ids: deleted ones leave gaps). */
  pending: number;
  /** Messages held by some folder (the counters of migration 0003). */
  live: number;
};

type Row = { id: number; account_id: string; subject: string | null; date: string; from_json: string; rank: number };

const LIVE = 'EXISTS (SELECT 1 FROM message_locations l WHERE l.message = m.id)';
const COLUMNS = 'm.id, m.account_id, m.subject, m.date, m.from_json';

/**
 * The full-text index of migration 0005: its incremental indexing (indexBatch) and its queries.
 * MATCH expressions come from buildMatchExpression (main/search/search-query.ts), never raw input.
 */
export class SearchRepository {
  private readonly s;

  constructor(private readonly db: Db) {
    type Range = { from: number; to: number };
    type Page = { match: string; account: string | null; date: string | null; id: number; limit: number };
    this.s = {
      checkpoint: db.prepare<[], number>('SELECT indexed_through FROM search_state WHERE id = 1').pluck(),
      // The end of the next batch: the id of its last message.
      batchEnd: db
        .prepare<[number, number], number | null>(
          'SELECT max(id) FROM (SELECT id FROM messages WHERE id > ? ORDER BY id LIMIT ?)',
        )
        .pluck(),
      indexRange: db.prepare<[Range]>(
        `INSERT INTO message_search (rowid, subject, body, participants)
         SELECT id, subject, body, participants FROM message_search_source WHERE id > @from AND id <= @to`,
      ),
      setCheckpoint: db.prepare<[number]>('UPDATE search_state SET indexed_through = ? WHERE id = 1'),
      backlog: db.prepare<[number], number>('SELECT id FROM search_backlog ORDER BY id LIMIT ?').pluck(),
      indexOne: db.prepare<[number]>(
        `INSERT INTO message_search (rowid, subject, body, participants)
         SELECT id, subject, body, participants FROM message_search_source WHERE id = ?`,
      ),
      unbacklog: db.prepare<[number]>('DELETE FROM search_backlog WHERE id = ?'),
      maxId: db.prepare<[], number | null>('SELECT max(id) FROM messages').pluck(),
      backlogCount: db.prepare<[], number>('SELECT count(*) FROM search_backlog').pluck(),
      live: db.prepare<[], number | null>('SELECT sum(message_count) FROM accounts').pluck(),
      // Newest first: the FTS5 match gives the set, messages_by_date cannot help a set, so the
      // matches are sorted; the snippet is computed afterwards for the page's rows only.
      newest: db.prepare<[Page], Row>(
        `SELECT ${COLUMNS}, 0 AS rank FROM message_search s JOIN messages m ON m.id = s.rowid
         WHERE message_search MATCH @match AND (@account IS NULL OR m.account_id = @account) AND ${LIVE}
           AND (@date IS NULL OR m.date < @date OR (m.date = @date AND m.id < @id))
         ORDER BY m.date DESC, m.id DESC LIMIT @limit`,
      ),
      ranked: db.prepare<[{ match: string; account: string | null; limit: number; offset: number }], Row>(
        `SELECT ${COLUMNS}, s.rank AS rank FROM message_search s JOIN messages m ON m.id = s.rowid
         WHERE message_search MATCH @match AND (@account IS NULL OR m.account_id = @account) AND ${LIVE}
         ORDER BY s.rank, m.id LIMIT @limit OFFSET @offset`,
      ),
      snippet: db
        .prepare<[string, number], string | null>(
          `SELECT snippet(message_search, -1, '${MATCH_START}', '${MATCH_END}', '…', 24)
           FROM message_search WHERE message_search MATCH ? AND rowid = ?`,
        )
        .pluck(),
    };
  }

  /**
   * Indexes up to `limit` messages not yet in the index (re-used ids first, then the next ids
   * above the checkpoint) and moves the checkpoint, in one transaction: after a crash the batch is
   * either wholly indexed and covered by the checkpoint, or not at all. Returns how many it took.
   */
  indexBatch(limit: number): number {
    return this.db
      .transaction(() => {
        const reused = this.s.backlog.all(limit);
        for (const id of reused) {
          this.s.indexOne.run(id);
          this.s.unbacklog.run(id);
        }
        const room = limit - reused.length;
        if (room <= 0) return reused.length;
        const from = this.s.checkpoint.get() ?? 0;
        const to = this.s.batchEnd.get(from, room);
        if (to === null || to === undefined) return reused.length;
        const added = this.s.indexRange.run({ from, to }).changes;
        this.s.setCheckpoint.run(to);
        return reused.length + added;
      })
      .immediate();
  }

  progress(): IndexProgress {
    const checkpoint = this.s.checkpoint.get() ?? 0;
    const pending = Math.max(0, (this.s.maxId.get() ?? 0) - checkpoint) + (this.s.backlogCount.get() ?? 0);
    return { pending, live: this.s.live.get() ?? 0 };
  }

  page(query: SearchPageQuery): SearchRow[] {
    const rows =
      query.order === 'newest'
        ? this.s.newest.all({
            match: query.match,
            account: query.accountId,
            date: query.after?.date ?? null,
            id: query.after?.id ?? 0,
            limit: query.limit,
          })
        : this.s.ranked.all({ match: query.match, account: query.accountId, limit: query.limit, offset: query.offset });
    return rows.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      subject: row.subject,
      date: row.date,
      fromJson: row.from_json,
      rank: row.rank,
    }));
  }

  /** The best-matching passage of one message, matches between MATCH_START and MATCH_END. */
  snippet(match: string, messageId: number): string {
    return this.s.snippet.get(match, messageId) ?? '';
  }
}
