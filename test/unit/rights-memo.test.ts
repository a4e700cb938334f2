import { describe, expect, it } from 'vitest';
import { combineRoles } from '../../common/rbac/evaluate.js';
import { rightsHash } from '../../server/rbac/compile-policy.js';
import { RightsMemo } from '../../server/rbac/rights-memo.js';

// The per-instance memo of compiled rights (server/rbac/rights-memo.ts): keyed by the texts the
// caller query read, so a change anywhere misses it; only time can change the answer for the same
// texts (a grant running out), and then it says 'due' instead of answering.

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const rep = [JSON.stringify({ contact: { view: 'team', edit: 'own' } }), JSON.stringify({}), 'subject'];
const exporter = [
  JSON.stringify({ contact: { export: 'own' } }),
  JSON.stringify({ deal: { amount: 'hidden' } }),
  'full',
];
const roles = (...list: string[][]) => JSON.stringify(list);
const grant = (id: string, expiresAt: number) => [id, 'deal', 'export', 'team', expiresAt];
const grants = (...list: unknown[][]) => JSON.stringify(list);

describe('RightsMemo', () => {
  it('compiles as the policy does: combined roles, live grants, the rights hash', () => {
    const memo = new RightsMemo();
    const compiled = memo.compile({ roles: roles(rep, exporter), grants: grants(grant('g1', T0 + 60_000)) }, 72, T0);
    if (compiled === 'due') throw new Error('not due');
    const combined = combineRoles([
      { permissions: { contact: { view: 'team', edit: 'own' } }, fieldRules: {}, emailVisibility: 'subject' },
      {
        permissions: { contact: { export: 'own' } },
        fieldRules: { deal: { amount: 'hidden' } },
        emailVisibility: 'full',
      },
    ]);
    expect(compiled.roles).toEqual(combined);
    expect(compiled.grants).toEqual([
      { id: 'g1', object: 'deal', action: 'export', scope: 'team', expiresAt: new Date(T0 + 60_000).toISOString() },
    ]);
    expect(compiled.rights).toEqual({ ...combined, grants: compiled.grants, offlineGraceHours: 72 });
    expect(compiled.hash).toBe(rightsHash(compiled.rights));
  });

  it('answers the same texts from the memo and anything else by compiling, frozen either way', () => {
    const memo = new RightsMemo();
    const texts = { roles: roles(rep), grants: '[]' };
    const first = memo.compile(texts, 72, T0);
    expect(memo.compile({ ...texts }, 72, T0 + 1_000_000)).toBe(first);
    const other = memo.compile({ roles: roles(rep, exporter), grants: '[]' }, 72, T0);
    expect(other).not.toBe(first);
    expect(memo.compile(texts, 24, T0)).not.toBe(first); // the offline grace is part of the rights
    if (first === 'due') throw new Error('not due');
    expect(() => {
      (first.roles.permissions as Record<string, unknown>).users = { edit: 'all' };
    }).toThrow(TypeError);
    expect(() => first.grants.push({ id: 'x', object: 'deal', action: 'view', scope: 'all', expiresAt: '' })).toThrow(
      TypeError,
    );
  });

  it("says 'due' once a grant among the texts has run out, also for an entry compiled before", () => {
    const memo = new RightsMemo();
    const texts = { roles: roles(rep), grants: grants(grant('g1', T0 + 60_000), grant('g2', T0 + 120_000)) };
    expect(memo.compile(texts, 72, T0 + 59_999)).not.toBe('due');
    expect(memo.compile(texts, 72, T0 + 60_000)).toBe('due');
    expect(new RightsMemo().compile(texts, 72, T0 + 60_000)).toBe('due');
    const live = memo.compileLive(texts, 72, T0 + 60_000);
    expect(live.grants.map((g) => g.id)).toEqual(['g2']);
    expect(live.hash).toBe(rightsHash(live.rights));
  });

  it('refuses a stored role that is not in the shapes of common/rbac', () => {
    const bad = [JSON.stringify({ contact: { view: 'everything' } }), '{}', 'full'];
    expect(() => new RightsMemo().compile({ roles: roles(bad), grants: '[]' }, 72, T0)).toThrow();
  });

  it('keeps at most `max` entries, dropping the least recently used', () => {
    const memo = new RightsMemo(2);
    const a = { roles: roles(rep), grants: '[]' };
    const b = { roles: roles(exporter), grants: '[]' };
    const c = { roles: roles(rep, exporter), grants: '[]' };
    const first = memo.compile(a, 72, T0);
    memo.compile(b, 72, T0);
    memo.compile(a, 72, T0); // a is the most recent now
    memo.compile(c, 72, T0); // b goes
    expect(memo.size).toBe(2);
    expect(memo.compile(a, 72, T0)).toBe(first);
    // One roles text with ever new grants texts is bounded as well.
    for (let i = 0; i < 5; i++)
      memo.compile({ roles: roles(rep), grants: grants(grant(`g${i}`, T0 + 60_000)) }, 72, T0);
    expect(memo.size).toBeLessThanOrEqual(2);
  });
});
