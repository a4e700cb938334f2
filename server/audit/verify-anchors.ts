import type { Kysely } from 'kysely';
import type { ServerDatabase } from '../db/schema.js';
import { anchorJwsIn, openAuditAnchor, readAnchorKey, type AuditAnchor } from './audit-anchor.js';

export type AnchorProblemKind =
  /** A line is not an anchor signed by this workspace's key: forged, or for another server. */
  | 'bad_anchor'
  /** An anchored entry is gone from the end of the log: the newest entries were deleted. */
  | 'truncated'
  /** The log holds another entry where one was anchored: it was rewritten from there on. */
  | 'anchor_mismatch';

export type AnchorReport =
  | { ok: true; anchors: number; latest: AuditAnchor | null; keyFingerprint: string | null }
  | { ok: false; anchors: number; problem: { kind: AnchorProblemKind; seq: number; message: string } };

/**
 * Checks a log whose chain already verified (verify-chain.ts) against anchors kept outside the
 * database: each must be signed by the workspace key, and the log must still hold the very entry
 * each one names. A shorter log, or a rewritten one, fails here even though its chain is whole.
 * `headSeq` is the chain's newest entry (0 when empty).
 */
export async function verifyAuditAnchors(
  db: Kysely<ServerDatabase>,
  anchorText: string,
  headSeq: number,
): Promise<AnchorReport> {
  const lines = anchorJwsIn(anchorText);
  const key = await readAnchorKey(db);
  if (!key) {
    return lines.length === 0
      ? { ok: true, anchors: 0, latest: null, keyFingerprint: null }
      : {
          ok: false,
          anchors: 0,
          problem: { kind: 'truncated', seq: 0, message: 'the database has no workspace: it was replaced' },
        };
  }
  const anchors: AuditAnchor[] = [];
  for (const [index, jws] of lines.entries()) {
    try {
      anchors.push(await openAuditAnchor(jws, key));
    } catch (error) {
      return {
        ok: false,
        anchors: 0,
        problem: {
          kind: 'bad_anchor',
          seq: 0,
          message: `anchor ${index + 1} is not one of this workspace's: ${(error as Error).message}`,
        },
      };
    }
  }
  // Newest first: a truncation shows at the newest anchor, and the message names the latest loss.
  anchors.sort((a, b) => b.seq - a.seq);
  const stored = await hashesAt(
    db,
    anchors.map((anchor) => anchor.seq).filter((seq) => seq <= headSeq),
  );
  let checked = 0;
  for (const anchor of anchors) {
    if (anchor.seq > headSeq) {
      return {
        ok: false,
        anchors: checked,
        problem: {
          kind: 'truncated',
          seq: anchor.seq,
          message: `entry ${anchor.seq} was anchored at ${anchor.at} but the log ends at entry ${headSeq}: its newest entries were deleted`,
        },
      };
    }
    if (stored.get(anchor.seq) !== anchor.hash) {
      return {
        ok: false,
        anchors: checked,
        problem: {
          kind: 'anchor_mismatch',
          seq: anchor.seq,
          message: `entry ${anchor.seq} is not the one anchored at ${anchor.at}: the log was rewritten from there on`,
        },
      };
    }
    checked += 1;
  }
  return { ok: true, anchors: checked, latest: anchors[0] ?? null, keyFingerprint: key.fingerprint };
}

/** The stored hashes of these entries, read in chunks (an anchor file grows by one line per 15 minutes). */
async function hashesAt(db: Kysely<ServerDatabase>, seqs: readonly number[]): Promise<Map<number, string>> {
  const unique = [...new Set(seqs)];
  const hashes = new Map<number, string>();
  for (let start = 0; start < unique.length; start += 500) {
    const rows = await db
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .where('seq', 'in', unique.slice(start, start + 500))
      .execute();
    for (const row of rows) hashes.set(Number(row.seq), row.hash);
  }
  return hashes;
}
