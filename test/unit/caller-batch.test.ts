import { describe, expect, it } from 'vitest';
import type { CallerRow } from '../../server/auth/caller-sql.js';
import { COL, POLICY_COPY, POLICY_NONE, POLICY_VERSION, type PolicyRead } from '../../server/auth/caller-sql.js';
import { PostgresBatcher } from '../../server/auth/postgres-caller-batcher.js';

// The PostgreSQL caller reads that arrive together share one statement (server/auth/caller-query.ts),
// but a read is only ever answered by a statement sent after it was queued: what was committed
// before a request arrived decides it, as with a statement of its own.

type Sent = {
  name: string;
  text: string;
  hashes: string[];
  rowMode: string;
  answer(rows: unknown[][]): void;
  fail(e: Error): void;
};

function fakePool() {
  const sent: Sent[] = [];
  return {
    sent,
    query: (config: { name: string; text: string; values: [string[]] | []; rowMode: string }) =>
      new Promise((resolve, reject) => {
        sent.push({
          name: config.name,
          text: config.text,
          hashes: config.values[0] ? [...config.values[0]] : [],
          rowMode: config.rowMode,
          // pg hands back fresh arrays: the batcher may take the counter off them.
          answer: (rows) => resolve({ rows: rows.map((r) => [...r]) }),
          fail: reject,
        });
      }),
  };
}

/** A request time at which the rows of `row` below are live sessions with no touch due. */
const NOW = 1_000_000;
const MINUTE = 60_000;
const turn = () => new Promise((resolve) => setImmediate(resolve));
/** Two turns: a statement's own `finally` frees its slot a turn after its reads are answered. */
const settle = async () => {
  await turn();
  await turn();
};
/**
 * A row as pg returns it for the batched statement with rowMode 'array': columns in COL order, then the
 * auth_epoch counter the statement saw.
 */
const row = (hash: string, epoch = 1, session: { lastSeen?: number; expires?: number; user?: string } = {}) => {
  const columns: unknown[] = new Array<unknown>(COL.pv_jws + 1).fill(null);
  columns[COL.token_hash] = hash;
  columns[COL.user_id] = session.user ?? `user-${hash}`;
  columns[COL.last_seen_at] = session.lastSeen ?? NOW;
  columns[COL.expires_at] = session.expires ?? NOW + 14 * 24 * 60 * MINUTE;
  return [...columns, epoch];
};
const userOf = (found: CallerRow | undefined) => found?.[COL.user_id];
const names = (pool: { sent: Sent[] }) => pool.sent.map((sent) => sent.name);

describe('PostgresBatcher', () => {
  it('sends the reads of one event-loop turn as one statement and answers each with its own row', async () => {
    const pool = fakePool();
    const batcher = new PostgresBatcher(pool as never, 1);
    const reads = [
      batcher.read('a', POLICY_NONE, NOW),
      batcher.read('b', POLICY_VERSION, NOW),
      batcher.read('a', POLICY_NONE, NOW),
      batcher.read('x', POLICY_NONE, NOW),
    ];
    await turn();
    expect(pool.sent).toHaveLength(1);
    expect(pool.sent[0]!.hashes).toEqual(['a', 'b', 'x']);
    // As much of the policy row as the most demanding read wants.
    expect(pool.sent[0]!.name).toBe('clientele_callers_version');
    expect(pool.sent[0]!.text).toContain('pv.version');
    expect(pool.sent[0]!.text).not.toContain('pv.jws');
    expect(pool.sent[0]!.text).toContain('= ANY($1)');
    pool.sent[0]!.answer([row('b'), row('a')]);
    const [a1, b, a2, x] = await Promise.all(reads);
    expect(userOf(a1)).toBe('user-a');
    expect(a2).toBe(a1);
    expect(userOf(b)).toBe('user-b');
    expect(pool.sent[0]!.rowMode).toBe('array');
    expect(x).toBeUndefined(); // no such live session
  });

  it('never answers a read from a statement sent before it was queued', async () => {
    const pool = fakePool();
    const batcher = new PostgresBatcher(pool as never, 1);
    const early = batcher.read('a', POLICY_NONE, NOW);
    await turn();
    expect(pool.sent).toHaveLength(1);
    // The same token asked again while the first statement is on its way: it waits for the next one.
    const late = batcher.read('a', POLICY_NONE, NOW);
    await turn();
    expect(pool.sent).toHaveLength(1);
    pool.sent[0]!.answer([row('a', 1)]);
    expect(userOf(await early)).toBe('user-a');
    await turn();
    await turn();
    // The row is kept, but only a statement sent now may answer: the counter, which has moved
    // (the session was deleted meanwhile), so the full statement goes out again.
    expect(names(pool)).toEqual(['clientele_callers', 'clientele_auth_epoch']);
    expect(pool.sent[1]!.text).toBe('SELECT n FROM auth_epoch WHERE singleton = 1');
    pool.sent[1]!.answer([[2]]);
    await turn();
    await turn();
    expect(names(pool)).toEqual(['clientele_callers', 'clientele_auth_epoch', 'clientele_callers']);
    expect(pool.sent[2]!.hashes).toEqual(['a']);
    pool.sent[2]!.answer([]);
    expect(await late).toBeUndefined();
  });

  it('answers from kept rows after one look at the counter while it has not moved', async () => {
    const pool = fakePool();
    const batcher = new PostgresBatcher(pool as never, 1);
    const first = Promise.all([batcher.read('a', POLICY_NONE, NOW), batcher.read('b', POLICY_NONE, NOW)]);
    await turn();
    expect(pool.sent[0]!.text).toContain('(SELECT n FROM auth_epoch WHERE singleton = 1) AS epoch');
    pool.sent[0]!.answer([row('a', 7), row('b', 7)]);
    const [a, b] = await first;
    // The counter is taken off: rows hold COL's columns only.
    expect(a).toHaveLength(COL.pv_jws + 1);

    const again = Promise.all([batcher.read('b', POLICY_NONE, NOW + 1), batcher.read('a', POLICY_NONE, NOW + 2)]);
    await turn();
    expect(names(pool)).toEqual(['clientele_callers', 'clientele_auth_epoch']);
    pool.sent[1]!.answer([[7]]);
    const [b2, a2] = await again;
    expect(a2).toBe(a);
    expect(b2).toBe(b);

    // The counter moved: every row kept before is dropped, the next reads go to the statement.
    const moved = batcher.read('a', POLICY_NONE, NOW);
    await settle();
    expect(names(pool)).toEqual(['clientele_callers', 'clientele_auth_epoch', 'clientele_auth_epoch']);
    pool.sent[2]!.answer([[8]]);
    await settle();
    expect(names(pool)).toEqual([
      'clientele_callers',
      'clientele_auth_epoch',
      'clientele_auth_epoch',
      'clientele_callers',
    ]);
    pool.sent[3]!.answer([row('a', 8, { user: 'user-a-again' })]);
    expect(userOf(await moved)).toBe('user-a-again');
    const other = batcher.read('b', POLICY_NONE, NOW);
    await settle();
    // b's row was read at 7: not kept any more.
    expect(names(pool)).toHaveLength(5);
    expect(names(pool)[4]).toBe('clientele_callers');
    pool.sent[4]!.answer([row('b', 8)]);
    expect(userOf(await other)).toBe('user-b');
  });

  it('reads the statement when a kept row falls short: no touch due, the session live, enough of the policy row', async () => {
    const pool = fakePool();
    const batcher = new PostgresBatcher(pool as never, 1);
    const warm = Promise.all([
      batcher.read('seen', POLICY_NONE, NOW),
      batcher.read('expiring', POLICY_NONE, NOW),
      batcher.read('plain', POLICY_NONE, NOW),
    ]);
    await turn();
    pool.sent[0]!.answer([
      row('seen', 3, { lastSeen: NOW - 30_000 }),
      row('expiring', 3, { expires: NOW + 10 }),
      row('plain', 3),
    ]);
    await warm;
    const statementFor = async (hash: string, policy: PolicyRead, now: number) => {
      await settle();
      const sentBefore = pool.sent.length;
      const read = batcher.read(hash, policy, now);
      await settle();
      expect(pool.sent).toHaveLength(sentBefore + 1);
      const name = pool.sent[sentBefore]!.name;
      if (name === 'clientele_auth_epoch') pool.sent[sentBefore]!.answer([[3]]);
      else pool.sent[sentBefore]!.answer([row(hash, 3)]);
      await read;
      return name;
    };
    // Its touch falls due 30 s later (another instance may have touched it): the database decides.
    expect(await statementFor('seen', POLICY_NONE, NOW + 29_000)).toBe('clientele_auth_epoch');
    expect(await statementFor('seen', POLICY_NONE, NOW + 31_000)).toBe('clientele_callers');
    // Expired by its kept copy (another instance may have slid it forward): the database decides.
    expect(await statementFor('expiring', POLICY_NONE, NOW + 10)).toBe('clientele_callers');
    // A policy fetch needs the policy row, which a read for another route did not take.
    expect(await statementFor('plain', POLICY_VERSION, NOW)).toBe('clientele_callers_version');
    expect(await statementFor('plain', POLICY_VERSION, NOW)).toBe('clientele_auth_epoch');
    expect(await statementFor('plain', POLICY_NONE, NOW)).toBe('clientele_auth_epoch');
    expect(await statementFor('plain', POLICY_COPY, NOW)).toBe('clientele_callers_copy');
  });

  it('keeps no rows older than those it has when statements come back out of order', async () => {
    const pool = fakePool();
    const batcher = new PostgresBatcher(pool as never, 2);
    const first = batcher.read('a', POLICY_NONE, NOW);
    await turn();
    const second = batcher.read('b', POLICY_NONE, NOW);
    await turn();
    expect(pool.sent.map((sent) => sent.hashes)).toEqual([['a'], ['b']]);
    pool.sent[1]!.answer([row('b', 5)]);
    pool.sent[0]!.answer([row('a', 4)]); // sent first, its snapshot older
    expect(userOf(await first)).toBe('user-a');
    expect(userOf(await second)).toBe('user-b');
    await settle();
    const both = Promise.all([batcher.read('a', POLICY_NONE, NOW), batcher.read('b', POLICY_NONE, NOW)]);
    await settle();
    // a was read at 4, not kept beside b's 5: the batch is read, not confirmed.
    expect(names(pool)).toEqual(['clientele_callers', 'clientele_callers', 'clientele_callers']);
    pool.sent[2]!.answer([row('a', 5), row('b', 5)]);
    await both;
    await settle();
    const kept = batcher.read('a', POLICY_NONE, NOW);
    await settle();
    expect(names(pool)[3]).toBe('clientele_auth_epoch');
    pool.sent[3]!.answer([[5]]);
    expect(userOf(await kept)).toBe('user-a');
  });

  it('keeps at most maxInFlight statements on their way and fails only the reads of a failed one', async () => {
    const pool = fakePool();
    const batcher = new PostgresBatcher(pool as never, 2);
    const first = batcher.read('a', POLICY_NONE, NOW);
    await turn();
    const second = batcher.read('b', POLICY_NONE, NOW);
    await turn();
    const third = batcher.read('c', POLICY_COPY, NOW);
    const fourth = batcher.read('d', POLICY_NONE, NOW);
    await turn();
    expect(pool.sent.map((s) => s.hashes)).toEqual([['a'], ['b']]);
    pool.sent[0]!.fail(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await turn();
    await turn();
    expect(pool.sent.map((s) => s.hashes)).toEqual([['a'], ['b'], ['c', 'd']]);
    expect(pool.sent[2]!.name).toBe('clientele_callers_copy');
    expect(pool.sent[2]!.text).toContain('pv.jws');
    pool.sent[1]!.answer([row('b')]);
    pool.sent[2]!.answer([row('d')]);
    expect(userOf(await second)).toBe('user-b');
    expect(await third).toBeUndefined();
    expect(userOf(await fourth)).toBe('user-d');
  });
});
