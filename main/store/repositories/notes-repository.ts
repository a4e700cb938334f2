import type { Note, RecordRef } from '../../../common/domain/timeline.js';
import type { Db } from '../sqlcipher.js';
import { columnsOf, recordExists, recordOf, type RecordColumns } from './record-columns.js';

type NoteRow = RecordColumns & {
  id: number;
  body: string;
  author: string | null;
  created_at: string;
  updated_at: string;
};

/** Notes on contacts, companies and deals. */
export class NotesRepository {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO notes (contact_id, company_id, deal_id, body, author, created_at, updated_at)
         VALUES (@contact_id, @company_id, @deal_id, @body, @author, @now, @now)`,
      ),
      get: db.prepare<[number], NoteRow>('SELECT * FROM notes WHERE id = ?'),
      remove: db.prepare<[number]>('DELETE FROM notes WHERE id = ?'),
    };
  }

  /** The record must exist (its foreign key is checked by the database). */
  create(record: RecordRef, body: string, author: string | null, now = new Date().toISOString()): Note {
    const id = Number(this.s.insert.run({ ...columnsOf(record), body, author, now }).lastInsertRowid);
    return this.get(id)!;
  }

  /** Whether a contact, company or deal exists, to refuse a note or task for a missing one. */
  recordExists(record: RecordRef): boolean {
    return recordExists(this.db, record);
  }

  get(id: number): Note | null {
    const row = this.s.get.get(id);
    return row
      ? {
          id: row.id,
          record: recordOf(row),
          body: row.body,
          author: row.author,
          createdAt: row.created_at,
          updatedAt: row.updated_at,
        }
      : null;
  }

  delete(id: number): boolean {
    return this.s.remove.run(id).changes > 0;
  }
}
