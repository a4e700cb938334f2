import { randomUUID } from 'node:crypto';
import type { Migration } from './migration.js';

/**
 * A random id for every queued audit event. The local INTEGER id is unique only in this profile;
 * the team server de-duplicates uploads by this id, so a batch re-sent after a lost response is
 * stored once, and two devices of one user never collide. Events queued before get one now.
 */
export const m0013AuditEventIds: Migration = {
  version: 13,
  name: 'audit event ids',
  up(db) {
    db.exec('ALTER TABLE audit_outbox ADD COLUMN event_id TEXT');
    const pending = db.prepare<[], { id: number }>('SELECT id FROM audit_outbox WHERE event_id IS NULL').all();
    const assign = db.prepare<[string, number]>('UPDATE audit_outbox SET event_id = ? WHERE id = ?');
    for (const row of pending) assign.run(randomUUID(), row.id);
    db.exec('CREATE UNIQUE INDEX audit_outbox_event_id ON audit_outbox (event_id)');
  },
};
