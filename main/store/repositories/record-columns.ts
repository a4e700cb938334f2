import type { RecordRef, RecordType } from '../../../common/domain/timeline.js';
import type { Db } from '../sqlcipher.js';

/**
 * Notes and tasks point at their record through one nullable foreign key per kind of record
 * (migration 0006): the column a record type lives in, and back.
 */
export const RECORD_COLUMN: Record<RecordType, 'contact_id' | 'company_id' | 'deal_id'> = {
  contact: 'contact_id',
  company: 'company_id',
  deal: 'deal_id',
};

export type RecordColumns = { contact_id: number | null; company_id: number | null; deal_id: number | null };

export function recordOf(row: RecordColumns): RecordRef {
  if (row.contact_id !== null) return { type: 'contact', id: row.contact_id };
  if (row.company_id !== null) return { type: 'company', id: row.company_id };
  return { type: 'deal', id: row.deal_id! };
}

/** The three columns' values for a record: its id in its own column, NULL in the others. */
export function columnsOf(record: RecordRef): RecordColumns {
  return {
    contact_id: record.type === 'contact' ? record.id : null,
    company_id: record.type === 'company' ? record.id : null,
    deal_id: record.type === 'deal' ? record.id : null,
  };
}

const TABLE: Record<RecordType, string> = { contact: 'contacts', company: 'companies', deal: 'deals' };

/** Whether the record a note or task is meant for exists (before its foreign key would refuse it). */
export function recordExists(db: Db, record: RecordRef): boolean {
  return db.prepare(`SELECT 1 FROM ${TABLE[record.type]} WHERE id = ?`).get(record.id) !== undefined;
}
