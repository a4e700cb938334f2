import { randomUUID } from 'node:crypto';
import type { Db } from '../sqlcipher.js';

/** The enrolled team server, user and workspace, and the pinned workspace key (migration 0012). */
export type TeamEnrollment = {
  serverUrl: string;
  workspaceId: string;
  userId: string;
  /** The workspace's Ed25519 public key as a JWK, pinned at enrollment. */
  publicKeyJwk: string;
  enrolledAt: string;
};

/** The last policy that passed verification, as received. */
export type StoredPolicy = { version: number; jws: string; etag: string | null; receivedAt: string };

/**
 * An event the server's audit log must learn; queued until the server acknowledges it. `eventId` is
 * random (migration 0013): the server stores an event once per id, however often it is sent.
 */
export type AuditOutboxEvent = { id: number; eventId: string; at: string; kind: string; detail: unknown };

/** The team server link, the last good policy and the audit outbox (migration 0012). */
export class TeamRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      enrollment: db.prepare<[], TeamEnrollment>(
        `SELECT server_url AS serverUrl, workspace_id AS workspaceId, user_id AS userId,
                public_key_jwk AS publicKeyJwk, enrolled_at AS enrolledAt
           FROM team_enrollment WHERE id = 1`,
      ),
      enroll: db.prepare<[string, string, string, string, string]>(
        `INSERT INTO team_enrollment (id, server_url, workspace_id, user_id, public_key_jwk, enrolled_at)
         VALUES (1, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url, workspace_id = excluded.workspace_id,
           user_id = excluded.user_id, public_key_jwk = excluded.public_key_jwk, enrolled_at = excluded.enrolled_at`,
      ),
      forgetEnrollment: db.prepare('DELETE FROM team_enrollment'),
      policy: db.prepare<[], StoredPolicy>(
        'SELECT version, jws, etag, received_at AS receivedAt FROM team_policy WHERE id = 1',
      ),
      savePolicy: db.prepare<[number, string, string | null, string]>(
        `INSERT INTO team_policy (id, version, jws, etag, received_at) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, jws = excluded.jws, etag = excluded.etag,
           received_at = excluded.received_at`,
      ),
      forgetPolicy: db.prepare('DELETE FROM team_policy'),
      enqueue: db.prepare<[string, string, string, string]>(
        'INSERT INTO audit_outbox (event_id, at, kind, detail) VALUES (?, ?, ?, ?)',
      ),
      pending: db.prepare<[number], { id: number; eventId: string; at: string; kind: string; detail: string }>(
        `SELECT id, event_id AS eventId, at, kind, detail FROM audit_outbox
          WHERE sent_at IS NULL ORDER BY id LIMIT ?`,
      ),
      deleteEvent: db.prepare<[string]>('DELETE FROM audit_outbox WHERE event_id = ?'),
      markSent: db.prepare<[string, number]>('UPDATE audit_outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL'),
    };
  }

  enrollment(): TeamEnrollment | null {
    return this.s.enrollment.get() ?? null;
  }

  /** Enrolling (again) pins a new key and user: the policy of the previous enrollment is dropped. */
  enroll(enrollment: Omit<TeamEnrollment, 'enrolledAt'>, now = new Date()): void {
    const e = enrollment;
    this.s.enroll.run(e.serverUrl, e.workspaceId, e.userId, e.publicKeyJwk, now.toISOString());
    this.s.forgetPolicy.run();
  }

  /** Leaving the team server: back to a solo profile. */
  unenroll(): void {
    this.s.forgetEnrollment.run();
    this.s.forgetPolicy.run();
  }

  policy(): StoredPolicy | null {
    return this.s.policy.get() ?? null;
  }

  savePolicy(policy: Omit<StoredPolicy, 'receivedAt'>, now = new Date()): void {
    this.s.savePolicy.run(policy.version, policy.jws, policy.etag, now.toISOString());
  }

  enqueueAudit(kind: string, detail: unknown, now = new Date()): void {
    this.s.enqueue.run(randomUUID(), now.toISOString(), kind, JSON.stringify(detail));
  }

  pendingAudit(limit = 500): AuditOutboxEvent[] {
    return this.s.pending.all(limit).map((row) => ({ ...row, detail: JSON.parse(row.detail) as unknown }));
  }

  markAuditSent(ids: readonly number[], now = new Date()): void {
    for (const id of ids) this.s.markSent.run(now.toISOString(), id);
  }

  /** Forgets events the server acknowledged (by event id): the outbox keeps only what is still owed. */
  deleteAuditEvents(eventIds: readonly string[]): void {
    for (const eventId of eventIds) this.s.deleteEvent.run(eventId);
  }
}
