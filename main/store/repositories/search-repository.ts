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
  /** The message's search key (migration 0010): newest-first pages continue below it. */
  key: number;
  /** The best-matching passage, matches between MATCH_START and MATCH_END. */
  snippet: string;
};

export type SearchPageQuery = {
  match: string;
  accountId: string | null;
  limit: number;
} & (
  | { order: 'newest'; beforeKey: number | null }
  /** floor: from rankedWindowOf, the oldest key ranked. */
  | { order: 'ranked'; offset: number; floor: bigint }
);

export type IndexProgress = {
  /** Messages waiting to be indexed (an estimate from ids: deleted ones leave gaps). */
  pending: number;
  /** Messages held by some folder (the counters of migration 0003). */
  live: number;
};

/**
 * Ranked search orders the newest this-many matches by relevance. bm25 is computed per match, and
 * a word in most of a 1,000,000-message mailbox would cost seconds to rank in full; the window keeps
 * a ranked page within ~100 ms (bench/results/crm-scale.md) and is exact whenever a query matches
 * fewer messages, which is what a query of two or more words or a name almost always does.
 */
export const RANKED_WINDOW = 20_000;

/** Search keys (migration 0010): unix seconds × 2^21, plus a sequence within the second. */
const KEYS_PER_SECOND = 2 ** 21;
// Keys stay safe integers in JavaScript: seconds within ±2^31 (1901..2106; a bogus Date header is clamped).
const MIN_SECONDS = -(2 ** 31);
const MAX_SECONDS = 2 ** 32 - 1;
const MAX_KEY = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_KEY = -MAX_KEY;

/** The first key of the second a message is dated in. */
export function searchKeyBase(date: string): number {
  const ms = Date.parse(date);
  const seconds = Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
  return Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, seconds)) * KEYS_PER_SECOND;
}

type Row = {
  id: number;
  account_id: string;
  subject: string | null;
  date: string;
  from_json: string;
  rank: number;
  key: number;
  snippet: string | null;
};

const LIVE = 'EXISTS (SELECT 1 FROM message_locations l WHERE l.message = m.id)';
// The snippet is computed in the query that finds the hits, for the rows it returns only: FTS5 has
// the match at hand there, where a second MATCH per hit would redo the query (a prefix query merges
// the doclists of every word it expands to, ~9 ms at 1,000,000 messages, each time).
const COLUMNS = `m.id, m.account_id, m.subject, m.date, m.from_json,
  snippet(message_search, -1, '${MATCH_START}', '${MATCH_END}', '…', 24) AS snippet`;

/**
 * The full-text index of migrations 0005/0010: its incremental indexing (indexBatch) and its queries.
 * MATCH expressions come from buildMatchExpression (main/search/search-query.ts), never raw input.
 */
export class SearchRepository {
  private readonly s;

  constructor(
    private readonly db: Db,
    /** How many of the newest matches a ranked query orders (tests make it small). */
    readonly rankedWindow: number = RANKED_WINDOW,
  ) {
    type Range = { from: number; to: number };
    // Keys bound to FTS5 rowid constraints are BigInts: better-sqlite3 binds a JS number as REAL, and
    // FTS5 ignores a REAL rowid bound (for rowid = ? it then returns every match).
    type Page = { match: string; account: string | null; before: bigint; limit: number };
    type Ranked = { match: string; account: string | null; floor: bigint; limit: number; offset: number };
    this.s = {
      checkpoint: db.prepare<[], number>('SELECT indexed_through FROM search_state WHERE id = 1').pluck(),
      // The end of the next batch: the id of its last message.
      batchEnd: db
        .prepare<[number, number], number | null>(
          'SELECT max(id) FROM (SELECT id FROM messages WHERE id > ? ORDER BY id LIMIT ?)',
        )
        .pluck(),
      datesOfRange: db.prepare<[number, number], { id: number; date: string }>(
        'SELECT id, date FROM messages WHERE id > ? AND id <= ?',
      ),
      dateOf: db.prepare<[number], { id: number; date: string }>('SELECT id, date FROM messages WHERE id = ?'),
      lastKeyOfSecond: db
        .prepare<[number, number], number | null>('SELECT max(key) FROM search_keys WHERE key >= ? AND key < ?')
        .pluck(),
      addKey: db.prepare<[number, number]>('INSERT INTO search_keys (key, message_id) VALUES (?, ?)'),
      indexRange: db.prepare<[Range]>(
        `INSERT INTO message_search (rowid, subject, body, participants)
         SELECT key, subject, body, participants FROM message_search_source WHERE id > @from AND id <= @to`,
      ),
      setCheckpoint: db.prepare<[number]>('UPDATE search_state SET indexed_through = ? WHERE id = 1'),
      backlog: db.prepare<[number], number>('SELECT id FROM search_backlog ORDER BY id LIMIT ?').pluck(),
      indexOne: db.prepare<[number]>(
        `INSERT INTO message_search (rowid, subject, body, participants)
         SELECT key, subject, body, participants FROM message_search_source WHERE id = ?`,
      ),
      unbacklog: db.prepare<[number]>('DELETE FROM search_backlog WHERE id = ?'),
      maxId: db.prepare<[], number | null>('SELECT max(id) FROM messages').pluck(),
      backlogCount: db.prepare<[], number>('SELECT count(*) FROM search_backlog').pluck(),
      live: db.prepare<[], number | null>('SELECT sum(message_count) FROM accounts').pluck(),
      // Newest first: FTS5 walks the doclists backwards in key (= date) order and stops at the
      // limit, so a word in every message costs the same as a rare one.
      newest: db.prepare<[Page], Row>(
        `SELECT ${COLUMNS}, 0 AS rank, s.rowid AS key
         FROM message_search s JOIN search_keys k ON k.key = s.rowid JOIN messages m ON m.id = k.message_id
         WHERE message_search MATCH @match AND s.rowid < @before
           AND (@account IS NULL OR m.account_id = @account) AND ${LIVE}
         ORDER BY s.rowid DESC LIMIT @limit`,
      ),
      // Ranked: FTS5 sorts by rank itself (ORDER BY rank alone is consumed by the table, so the
      // snippets are made for the page only), over the matches at or above the window's floor.
      ranked: db.prepare<[Ranked], Row>(
        `SELECT ${COLUMNS}, s.rank AS rank, s.rowid AS key
         FROM message_search s JOIN search_keys k ON k.key = s.rowid JOIN messages m ON m.id = k.message_id
         WHERE message_search MATCH @match AND s.rowid >= @floor
           AND (@account IS NULL OR m.account_id = @account) AND ${LIVE}
         ORDER BY s.rank LIMIT @limit OFFSET @offset`,
      ),
      // The window's floor (the key of its oldest match) and whether any match lies below it.
      windowEdge: db
        .prepare<[string, number], bigint>(
          'SELECT rowid FROM message_search WHERE message_search MATCH ? ORDER BY rowid DESC LIMIT 2 OFFSET ?',
        )
        .pluck()
        .safeIntegers(true),
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
          const message = this.s.dateOf.get(id);
          if (message) this.giveKey(message);
          this.s.indexOne.run(id);
          this.s.unbacklog.run(id);
        }
        const room = limit - reused.length;
        if (room <= 0) return reused.length;
        const from = this.s.checkpoint.get() ?? 0;
        const to = this.s.batchEnd.get(from, room);
        if (to === null || to === undefined) return reused.length;
        for (const message of this.s.datesOfRange.all(from, to)) this.giveKey(message);
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
            before: query.beforeKey === null ? MAX_KEY : BigInt(query.beforeKey),
            limit: query.limit,
          })
        : this.s.ranked.all({
            match: query.match,
            account: query.accountId,
            floor: query.floor,
            limit: query.limit,
            offset: query.offset,
          });
    return rows.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      subject: row.subject,
      date: row.date,
      fromJson: row.from_json,
      rank: row.rank,
      key: row.key,
      snippet: row.snippet ?? '',
    }));
  }

  /**
   * The newest `rankedWindow` matches of a query: the key of the oldest of them (the floor a ranked
   * query starts from) and whether older matches were left out.
   */
  rankedWindowOf(match: string): { floor: bigint; exceeded: boolean } {
    const [floor, beyond] = this.s.windowEdge.all(match, this.rankedWindow - 1);
    return { floor: floor ?? MIN_KEY, exceeded: beyond !== undefined };
  }

  /** The next free key of the message's second, in the transaction that indexes it. */
  private giveKey(message: { id: number; date: string }): void {
    const base = searchKeyBase(message.date);
    const last = this.s.lastKeyOfSecond.get(base, base + KEYS_PER_SECOND);
    this.s.addKey.run(last === null || last === undefined ? base : last + 1, message.id);
  }
}
