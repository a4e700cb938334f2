import { describe, expect, it } from 'vitest';
import type { CallerRow } from '../../server/auth/caller-query.js';
import { COL, POLICY_COPY, POLICY_NONE, POLICY_VERSION, PostgresBatcher } from '../../server/auth/caller-query.js';

// The PostgreSQL caller reads that arrive together share one statement (server/auth/caller-query.ts),
// but a read is only ever answered by a statement sent after it was queued: what was committed
// before a request arrived decides it, as with a statement of its own.

type Sent = {
  name: string;
  text: string;
  hashes: string[];
  rowMode: string;
  answer(rows: CallerRow[]): void;
  fail(e: Error): void;
};

function fakePool() {
  const sent: Sent[] = [];
  return {
    sent,
    query: (config: { name: string; text: string; values: [string[]]; rowMode: string }) =>
      new Promise((resolve, reject) => {
        sent.push({
          name: config.name,
          text: config.text,
          hashes: [...config.values[0]],
          rowMode: config.rowMode,
          answer: (rows) => resolve({ rows }),
          fail: reject,
        });
      }),
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
/** A row as pg returns it with rowMode 'array': columns in COL order. */
const row = (hash: string): CallerRow => {
  const columns: unknown[] = [];
  columns[COL.token_hash] = hash;
  columns[COL.user_id] = `user-${hash}`;
  return columns;
};
const userOf = (found: CallerRow | undefined) => found?.[COL.user_id];

describe('PostgresBatcher', () => {
  it('sends the reads of one event-loop turn as one statement and answers each with its own row', async () => {
    const pool = fakePool();
    const batcher = new PostgresBatcher(pool as never, 1);
    const reads = [
      batcher.read('a', POLICY_NONE),
      batcher.read('b', POLICY_VERSION),
      batcher.read('a', POLICY_NONE),
      batcher.read('x', POLICY_NONE),
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
    const early = batcher.read('a', POLICY_NONE);
    await turn();
    expect(pool.sent).toHaveLength(1);
    // The same token asked again while the first statement is on its way: it waits for the next one.
    const late = batcher.read('a', POLICY_NONE);
    await turn();
    expect(pool.sent).toHaveLength(1);
    pool.sent[0]!.answer([row('a')]);
    expect(userOf(await early)).toBe('user-a');
    await turn();
    await turn();
    expect(pool.sent).toHaveLength(2);
    expect(pool.sent[1]!.hashes).toEqual(['a']);
    expect(pool.sent[1]!.name).toBe('clientele_callers');
    pool.sent[1]!.answer([]); // revoked meanwhile: the late read sees it
    expect(await late).toBeUndefined();
  });

  it('keeps at most maxInFlight statements on their way and fails only the reads of a failed one', async () => {
    const pool = fakePool();
    const batcher = new PostgresBatcher(pool as never, 2);
    const first = batcher.read('a', POLICY_NONE);
    await turn();
    const second = batcher.read('b', POLICY_NONE);
    await turn();
    const third = batcher.read('c', POLICY_COPY);
    const fourth = batcher.read('d', POLICY_NONE);
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
