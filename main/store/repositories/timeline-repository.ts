import type { RecordRef, RecordType, TimelineItem, TimelinePage } from '../../../common/domain/timeline.js';
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Db } from '../sqlcipher.js';
import { decodeTextCursor, encodeCursor } from './keyset-cursor.js';
import { RECORD_COLUMN } from './record-columns.js';

type Params = { id: number; at: string; key: string; limit: number };
type ItemRow = {
  kind: TimelineItem['kind'];
  at: string;
  key: string;
  ref: number;
  n: number | null;
  latest: number | null;
};

type ThreadRow = {
  id: number;
  thread_id: number;
  subject: string | null;
  date: string;
  from_json: string;
  direction: 'sent' | 'received';
  snippet: string;
};
type NoteRow = { id: number; body: string; author: string | null };
type TaskRow = { id: number; title: string; due_at: string | null; done_at: string | null };
type StageRow = { id: number; deal_id: number; deal_name: string; from_name: string | null; to_name: string };

/** The contacts whose mail makes a record's threads: the contact, a company's people, a deal's contacts. */
const PEOPLE: Record<RecordType, string> = {
  contact: 'SELECT @id AS contact_id',
  company: 'SELECT contact_id FROM contact_companies WHERE company_id = @id',
  deal: 'SELECT contact_id FROM deal_contacts WHERE deal_id = @id',
};

/** The deals whose stage changes show: the deal, a contact's deals, a company's deals. */
const DEALS: Record<RecordType, string> = {
  contact: 'SELECT deal_id FROM deal_contacts WHERE contact_id = @id',
  company: 'SELECT id AS deal_id FROM deals WHERE company_id = @id',
  deal: 'SELECT @id AS deal_id',
};

/**
 * Rows after the cursor in (at, key) order, `at` and `key` being the part's own expressions.
 * Written so the index on `at` gives an upper bound (at <= @at) to seek to; the first page
 * passes a cursor after everything (TOP) rather than a NULL that would defeat it.
 */
const afterCursor = (at: string, key: string) => `(${at} <= @at AND (${at} < @at OR ${key} < @key))`;
/** Sorts after every ISO date and every key. */
const TOP = '\uffff';

/**
 * The threads part. A contact's come straight from contact_threads (migration 0006: its live
 * messages grouped by thread, kept by triggers) through its (contact_id, last_at) index; a
 * company's or a deal's merge its people's rows per thread (the message counts of those are
 * worked out for the page's threads only, see countOf).
 */
function threadsSql(type: RecordType): string {
  const key = `printf('thread:%012d', ct.thread_id)`;
  if (type === 'contact') {
    return `SELECT 'thread' AS kind, ct.last_at AS at, ${key} AS key, ct.thread_id AS ref, ct.messages AS n,
        ct.latest_message_id AS latest
      FROM contact_threads ct WHERE ct.contact_id = @id AND ${afterCursor('ct.last_at', key)}
      ORDER BY ct.last_at DESC, ct.thread_id DESC LIMIT @limit`;
  }
  // SQLite takes the bare column ct.latest_message_id from the row holding max(ct.last_at).
  return `SELECT 'thread' AS kind, max(ct.last_at) AS at, ${key} AS key, ct.thread_id AS ref, NULL AS n,
      ct.latest_message_id AS latest
    FROM contact_threads ct WHERE ct.contact_id IN (${PEOPLE[type]})
    GROUP BY ct.thread_id HAVING ${afterCursor('max(ct.last_at)', key)}
    ORDER BY at DESC, ct.thread_id DESC LIMIT @limit`;
}

/**
 * A record's timeline, newest first: one item per email thread (at its latest message of the
 * record's people), its notes and tasks (at creation) and the stage changes of its deals.
 *
 * Keyset-paged on (at, key): `key` is the kind and a zero-padded id, unique and ordered the same
 * as text, so items that share a time are still cut into pages without loss or repeat. Each part
 * reads at most a page of rows through an index on the record (contact_threads by contact and
 * time, notes/tasks by record, stage changes by deal), and only those are merged and sorted: a
 * page costs the same at 10 or 10,000 messages (bench/record-timeline.bench.mjs).
 */
function timelineSql(type: RecordType): string {
  const column = RECORD_COLUMN[type];
  const part = (kind: string, at: string, id: string, from: string) => {
    const key = `printf('${kind}:%012d', ${id})`;
    return `SELECT * FROM (SELECT '${kind}' AS kind, ${at} AS at, ${key} AS key, ${id} AS ref, NULL AS n, NULL AS latest
      FROM ${from} AND ${afterCursor(at, key)} ORDER BY ${at} DESC, ${id} DESC LIMIT @limit)`;
  };
  return `
    SELECT kind, at, key, ref, n, latest FROM (
      SELECT * FROM (${threadsSql(type)})
      UNION ALL ${part('note', 'created_at', 'id', `notes WHERE ${column} = @id`)}
      UNION ALL ${part('task', 'created_at', 'id', `tasks WHERE ${column} = @id`)}
      UNION ALL ${part('stage', 'changed_at', 'id', `deal_stage_changes WHERE deal_id IN (${DEALS[type]})`)}
    )
    ORDER BY at DESC, key DESC
    LIMIT @limit`;
}

/** How many live messages of a thread are the record's people's (company and deal timelines). */
function countSql(type: RecordType): string {
  return `SELECT count(*) AS n FROM messages m
    WHERE m.thread_id = @thread
      AND EXISTS (SELECT 1 FROM message_contacts x WHERE x.message_id = m.id AND x.contact_id IN (${PEOPLE[type]}))
      AND EXISTS (SELECT 1 FROM message_locations l WHERE l.message = m.id)`;
}

export class TimelineRepository {
  private readonly pages = new Map<RecordType, Database.Statement<[Params], ItemRow>>();
  private readonly counts = new Map<RecordType, Database.Statement<[{ id: number; thread: number }], { n: number }>>();
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      threads: db.prepare<[string], ThreadRow>(
        `SELECT m.id, m.thread_id, m.subject, m.date, m.from_json, m.direction, m.snippet
         FROM messages m WHERE m.id IN (SELECT value FROM json_each(?))`,
      ),
      notes: db.prepare<[string], NoteRow>(
        'SELECT id, body, author FROM notes WHERE id IN (SELECT value FROM json_each(?))',
      ),
      tasks: db.prepare<[string], TaskRow>(
        'SELECT id, title, due_at, done_at FROM tasks WHERE id IN (SELECT value FROM json_each(?))',
      ),
      stages: db.prepare<[string], StageRow>(
        `SELECT c.id, c.deal_id, d.name AS deal_name, f.name AS from_name, t.name AS to_name
         FROM deal_stage_changes c JOIN deals d ON d.id = c.deal_id
         LEFT JOIN pipeline_stages f ON f.id = c.from_stage_id JOIN pipeline_stages t ON t.id = c.to_stage_id
         WHERE c.id IN (SELECT value FROM json_each(?))`,
      ),
    };
  }

  /** The query plan of a record type's page query (EXPLAIN QUERY PLAN), for tests and benchmarks. */
  plan(type: RecordType): string[] {
    return this.db
      .prepare<[Params], { detail: string }>(`EXPLAIN QUERY PLAN ${timelineSql(type)}`)
      .all({ id: 1, at: TOP, key: TOP, limit: 1 })
      .map((row) => row.detail);
  }

  page(record: RecordRef, cursor: string | undefined, limit: number): TimelinePage {
    // The cursor is the last item's time and its key (the tie-breaker).
    const after = decodeTextCursor(cursor);
    const rows = this.statement(record.type).all({
      id: record.id,
      at: after?.key ?? TOP,
      key: after?.tie ?? TOP,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = rows.length > limit ? page[page.length - 1] : undefined;
    for (const row of page) {
      if (row.kind === 'thread' && row.n === null)
        row.n = this.countOf(record).get({ id: record.id, thread: row.ref })!.n;
    }
    return { items: this.hydrate(page), next: last ? encodeCursor(last.at, last.key) : null };
  }

  private countOf(record: RecordRef): Database.Statement<[{ id: number; thread: number }], { n: number }> {
    let statement = this.counts.get(record.type);
    if (!statement) {
      statement = this.db.prepare<[{ id: number; thread: number }], { n: number }>(countSql(record.type));
      this.counts.set(record.type, statement);
    }
    return statement;
  }

  private statement(type: RecordType): Database.Statement<[Params], ItemRow> {
    let statement = this.pages.get(type);
    if (!statement) {
      statement = this.db.prepare<[Params], ItemRow>(timelineSql(type));
      this.pages.set(type, statement);
    }
    return statement;
  }

  private hydrate(rows: ItemRow[]): TimelineItem[] {
    const ids = (kind: ItemRow['kind'], pick: (row: ItemRow) => number | null) =>
      JSON.stringify(rows.filter((row) => row.kind === kind).map(pick));
    const threads = byId(this.s.threads.all(ids('thread', (row) => row.latest)));
    const notes = byId(this.s.notes.all(ids('note', (row) => row.ref)));
    const tasks = byId(this.s.tasks.all(ids('task', (row) => row.ref)));
    const stages = byId(this.s.stages.all(ids('stage', (row) => row.ref)));
    return rows.map((row): TimelineItem => {
      const base = { key: row.key, at: row.at };
      switch (row.kind) {
        case 'thread': {
          const message = threads.get(row.latest!)!;
          return {
            kind: 'thread',
            ...base,
            threadId: row.ref,
            subject: message.subject,
            messages: row.n!,
            latest: {
              messageId: message.id,
              from: firstAddress(message.from_json),
              date: message.date,
              direction: message.direction,
              snippet: message.snippet,
            },
          };
        }
        case 'note': {
          const note = notes.get(row.ref)!;
          return { kind: 'note', ...base, noteId: note.id, body: note.body, author: note.author };
        }
        case 'task': {
          const task = tasks.get(row.ref)!;
          return {
            kind: 'task',
            ...base,
            taskId: task.id,
            title: task.title,
            dueAt: task.due_at,
            doneAt: task.done_at,
          };
        }
        case 'stage': {
          const change = stages.get(row.ref)!;
          return {
            kind: 'stage',
            ...base,
            dealId: change.deal_id,
            dealName: change.deal_name,
            fromStage: change.from_name,
            toStage: change.to_name,
          };
        }
      }
    });
  }
}

function byId<T extends { id: number }>(rows: T[]): Map<number, T> {
  return new Map(rows.map((row) => [row.id, row]));
}

function firstAddress(json: string): { name: string; address: string } {
  const [first] = JSON.parse(json) as { name?: unknown; address?: unknown }[];
  return {
    name: typeof first?.name === 'string' ? first.name : '',
    address: typeof first?.address === 'string' ? first.address : '',
  };
}
