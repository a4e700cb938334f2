import { describe, expect, it } from 'vitest';
import { auditEntryHash, GENESIS_HASH, type HashedAuditFields } from '../../server/audit/audit-hash.js';
import { canonicalJson } from '../../server/audit/canonical-json.js';

// The bytes the audit chain hashes: one serialization per value, every field covered.

const entry: HashedAuditFields = {
  seq: 1,
  at: 1_767_600_000_000,
  actorUserId: 'u1',
  source: 'server',
  action: 'auth.login',
  target: 'session:s1',
  details: '{"ip":"127.0.0.1"}',
  clientEventId: null,
  prevHash: GENESIS_HASH,
};

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"z":1}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson(() => 1)).toThrow(/Not representable/);
  });
});

describe('the audit entry hash', () => {
  it('is SHA-256 hex and changes with every field', () => {
    const base = auditEntryHash(entry);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    const changed: Partial<HashedAuditFields>[] = [
      { seq: 2 },
      { at: entry.at + 1 },
      { actorUserId: null },
      { source: 'client' },
      { action: 'auth.logout' },
      { target: null },
      { details: '{"ip":"127.0.0.2"}' },
      { clientEventId: 'e1' },
      { prevHash: 'f'.repeat(64) },
    ];
    for (const change of changed) expect(auditEntryHash({ ...entry, ...change })).not.toBe(base);
  });

  it('keeps field boundaries: moving characters between fields changes the hash', () => {
    expect(auditEntryHash({ ...entry, action: 'auth.log', target: 'insession:s1' })).not.toBe(
      auditEntryHash({ ...entry, action: 'auth.login', target: 'session:s1' }),
    );
  });
});
