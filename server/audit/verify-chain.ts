import type { Kysely } from 'kysely';
import type { ServerDatabase } from '../db/schema.js';
import { auditEntryHash, GENESIS_HASH } from './audit-hash.js';
import { entryFromRow } from './audit-log.js';

export type ChainProblemKind =
  /** A sequence number is missing: an entry was deleted (or the chain starts after 1). */
  | 'missing_entry'
  /** An entry numbered below 1: inserted outside the log's own append. */
  | 'out_of_sequence'
  /** The entry's prev_hash is not the previous entry's hash: an entry was removed, reordered or re-inserted. */
  | 'broken_link'
  /** The entry's stored hash does not match its fields: it was edited. */
  | 'hash_mismatch';

export type ChainProblem = {
  kind: ChainProblemKind;
  /** The sequence number the walk stopped at (for a missing entry: the one that should have been there). */
  seq: number;
  message: string;
};

export type ChainReport =
  | { ok: true; entries: number; headSeq: number; headHash: string }
  | { ok: false; entries: number; problem: ChainProblem };

const PAGE_SIZE = 1000;

/**
 * Walks the whole log in sequence order, recomputing every hash and checking every link, and stops
 * at the first entry that does not fit. An attacker who edits an entry and recomputes its hash
 * breaks the next entry's link; to hide that they must rewrite every later entry — which the
 * head hash (printed on success) lets an admin notice when kept elsewhere. Deleting only the newest
 * entries leaves a shorter valid chain: that, too, only an externally kept head hash reveals.
 */
export async function verifyAuditChain(db: Kysely<ServerDatabase>): Promise<ChainReport> {
  let expectedSeq = 1;
  let previousHash = GENESIS_HASH;
  let entries = 0;
  for (;;) {
    // Keyset pages: memory stays flat on a long log. The first page has no lower bound, so a row
    // slipped in below 1 is seen too.
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .$if(expectedSeq > 1, (query) => query.where('seq', '>=', expectedSeq))
      .orderBy('seq')
      .limit(PAGE_SIZE)
      .execute();
    for (const row of rows) {
      const entry = entryFromRow(row);
      if (entry.seq < expectedSeq) {
        return {
          ok: false,
          entries,
          problem: {
            kind: 'out_of_sequence',
            seq: entry.seq,
            message: `entry ${entry.seq} is numbered before the first entry: it was inserted by hand`,
          },
        };
      }
      if (entry.seq !== expectedSeq) {
        return {
          ok: false,
          entries,
          problem: {
            kind: 'missing_entry',
            seq: expectedSeq,
            message: `entry ${expectedSeq} is missing (the next one is ${entry.seq}): entries were deleted`,
          },
        };
      }
      if (entry.prevHash !== previousHash) {
        return {
          ok: false,
          entries,
          problem: {
            kind: 'broken_link',
            seq: entry.seq,
            message: `entry ${entry.seq} does not link to entry ${entry.seq - 1}: an entry was replaced, reordered or re-inserted`,
          },
        };
      }
      const { hash, ...fields } = entry;
      if (auditEntryHash(fields) !== hash) {
        return {
          ok: false,
          entries,
          problem: {
            kind: 'hash_mismatch',
            seq: entry.seq,
            message: `entry ${entry.seq} does not match its hash: it was edited after it was written`,
          },
        };
      }
      entries += 1;
      expectedSeq += 1;
      previousHash = hash;
    }
    if (rows.length < PAGE_SIZE) break;
  }
  return { ok: true, entries, headSeq: expectedSeq - 1, headHash: previousHash };
}
