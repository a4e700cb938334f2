import type { RecordRef, Task } from '../../../common/domain/timeline.js';
import type { Db } from '../sqlcipher.js';
import { columnsOf, recordExists, recordOf, type RecordColumns } from './record-columns.js';

type TaskRow = RecordColumns & {
  id: number;
  title: string;
  due_at: string | null;
  done_at: string | null;
  created_at: string;
  updated_at: string;
};

export type TaskChanges = { title?: string; dueAt?: string | null; done?: boolean };

/** Tasks on contacts, companies and deals. */
export class TasksRepository {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO tasks (contact_id, company_id, deal_id, title, due_at, created_at, updated_at)
         VALUES (@contact_id, @company_id, @deal_id, @title, @dueAt, @now, @now)`,
      ),
      get: db.prepare<[number], TaskRow>('SELECT * FROM tasks WHERE id = ?'),
      update: db.prepare(
        'UPDATE tasks SET title = @title, due_at = @dueAt, done_at = @doneAt, updated_at = @now WHERE id = @id',
      ),
      remove: db.prepare<[number]>('DELETE FROM tasks WHERE id = ?'),
    };
  }

  /** The record must exist (its foreign key is checked by the database). */
  create(record: RecordRef, title: string, dueAt: string | null, now = new Date().toISOString()): Task {
    const id = Number(this.s.insert.run({ ...columnsOf(record), title, dueAt, now }).lastInsertRowid);
    return this.get(id)!;
  }

  /** Whether a contact, company or deal exists, to refuse a note or task for a missing one. */
  recordExists(record: RecordRef): boolean {
    return recordExists(this.db, record);
  }

  get(id: number): Task | null {
    const row = this.s.get.get(id);
    return row ? toTask(row) : null;
  }

  /** Null when there is no such task. Marking a done task done again keeps when it was first done. */
  update(id: number, changes: TaskChanges, now = new Date().toISOString()): Task | null {
    return this.db.transaction(() => {
      const row = this.s.get.get(id);
      if (!row) return null;
      const doneAt = changes.done === undefined ? row.done_at : changes.done ? (row.done_at ?? now) : null;
      this.s.update.run({
        id,
        title: changes.title ?? row.title,
        dueAt: changes.dueAt === undefined ? row.due_at : changes.dueAt,
        doneAt,
        now,
      });
      return this.get(id);
    })();
  }

  delete(id: number): boolean {
    return this.s.remove.run(id).changes > 0;
  }
}

function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    record: recordOf(row),
    title: row.title,
    dueAt: row.due_at,
    doneAt: row.done_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
