import { appendFile } from 'node:fs/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { ServerDatabase } from '../db/schema.js';
import type { Workspace } from '../rbac/workspace.js';
import { readAuditHead, signAuditAnchor } from './audit-anchor.js';

export const AUDIT_ANCHOR_INTERVAL_MS = 15 * 60_000;

export type AuditAnchorer = {
  /** Anchors the head now if it moved since the last anchor (the timer does this too). */
  anchorNow(): Promise<void>;
  /** Stops the timer, waits for an anchor in flight, and anchors the head one last time. */
  stop(): Promise<void>;
};

/**
 * Anchors the audit log's head outside the database on a timer: a signed anchor (audit-anchor.ts)
 * written to the server's log stream (`auditAnchor` in an info line: a log shipper keeps it off this
 * machine) and appended to `file` when one is set (one JSON line each). Only when the head moved:
 * an idle server writes nothing. Every instance may run it; anchors are facts, any number agree.
 */
export function startAuditAnchorer(options: {
  db: Kysely<ServerDatabase>;
  workspace: Workspace;
  clock: Clock;
  log: FastifyBaseLogger;
  file?: string;
  intervalMs?: number;
}): AuditAnchorer {
  const { db, workspace, clock, log, file } = options;
  let lastSeq = 0;
  let inFlight: Promise<void> | null = null;

  const anchor = async (): Promise<void> => {
    const head = await readAuditHead(db);
    if (!head || head.seq <= lastSeq) return;
    const jws = await signAuditAnchor(workspace, head, clock.now());
    if (file) await appendFile(file, `${JSON.stringify({ seq: head.seq, hash: head.hash, jws })}\n`, 'utf8');
    log.info({ auditAnchor: { seq: head.seq, hash: head.hash, jws } }, 'audit log head anchored');
    lastSeq = head.seq;
  };
  const anchorNow = (): Promise<void> => {
    inFlight ??= anchor()
      .catch((error: unknown) =>
        log.warn({ err: error }, 'anchoring the audit log head failed; the next round retries'),
      )
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };

  const timer = setInterval(() => void anchorNow(), options.intervalMs ?? AUDIT_ANCHOR_INTERVAL_MS);
  timer.unref();
  return {
    anchorNow,
    async stop() {
      clearInterval(timer);
      await inFlight;
      await anchorNow();
    },
  };
}
