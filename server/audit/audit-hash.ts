import { createHash } from 'node:crypto';

/** The link the first entry chains from: a fixed value, so deleting entry 1 breaks the chain too. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an entry that its hash covers: everything stored except the hash itself. */
export type HashedAuditFields = {
  seq: number;
  at: number;
  actorUserId: string | null;
  source: 'server' | 'client';
  action: string;
  target: string | null;
  /** Canonical JSON text, exactly as stored: the hash is over the stored bytes, not a re-serialization. */
  details: string;
  clientEventId: string | null;
  prevHash: string;
};

/**
 * SHA-256 (hex) over a JSON array of the fields in a fixed order. An array, not concatenation, so
 * field boundaries are unambiguous ("ab"+"c" and "a"+"bc" hash differently); the version tag lets a
 * later format coexist with entries already written.
 */
export function auditEntryHash(fields: HashedAuditFields): string {
  const serialized = JSON.stringify([
    'clientele-audit-v1',
    fields.seq,
    fields.at,
    fields.actorUserId,
    fields.source,
    fields.action,
    fields.target,
    fields.details,
    fields.clientEventId,
    fields.prevHash,
  ]);
  return createHash('sha256').update(serialized, 'utf8').digest('hex');
}
