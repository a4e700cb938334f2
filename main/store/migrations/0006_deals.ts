import type { Migration } from './migration.js';

/**
 * Deals on pipelines of ordered stages, with each deal's stage history, and the notes and tasks
 * kept on contacts, companies and deals.
 *
 * Notes and tasks point at their record through real foreign keys (one nullable column per kind
 * of record, a CHECK that exactly one is set) rather than a (type, id) pair: deleting a record
 * cascades to them, and merging two contacts or companies, which re-points every foreign key to
 * contacts(id) / companies(id), carries them along without knowing they exist.
 */
/**
 * The SQL that rewrites contact_threads for the contacts `who` (a query of contact_id) in thread
 * `thread`: their live messages in it, the latest one and how many. `who` must name its column
 * contact_id; `skip` leaves one message out (a message about to be deleted).
 */
function recompute(who: string, thread: string, skip = 'NULL'): string {
  return `
    DELETE FROM contact_threads WHERE thread_id = ${thread} AND contact_id IN (${who});
    INSERT INTO contact_threads (contact_id, thread_id, last_at, latest_message_id, messages)
      SELECT who.contact_id, m.thread_id, max(m.date), m.id, count(*)
      FROM (${who}) AS who JOIN messages m ON m.thread_id = ${thread}
      WHERE m.id IS NOT ${skip}
        AND EXISTS (SELECT 1 FROM message_contacts x WHERE x.message_id = m.id AND x.contact_id = who.contact_id)
        AND EXISTS (SELECT 1 FROM message_locations l WHERE l.message = m.id)
      GROUP BY who.contact_id;`;
}

const contactsOf = (message: string) =>
  `SELECT DISTINCT contact_id FROM message_contacts WHERE message_id = ${message}`;
const threadOf = (message: string) => `(SELECT thread_id FROM messages WHERE id = ${message})`;

export const m0006Deals: Migration = {
  version: 6,
  name: 'deals',
  up(db) {
    db.exec(`
      CREATE TABLE pipelines (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        position   INTEGER NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE pipeline_stages (
        id          INTEGER PRIMARY KEY,
        pipeline_id INTEGER NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE,
        name        TEXT NOT NULL,
        position    INTEGER NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('open', 'won', 'lost')),
        UNIQUE (pipeline_id, name),
        -- The target of deals' (stage_id, pipeline_id) key: a deal's stage is one of its pipeline's.
        UNIQUE (id, pipeline_id)
      ) STRICT;
      CREATE INDEX pipeline_stages_in_order ON pipeline_stages (pipeline_id, position);

      CREATE TABLE deals (
        id           INTEGER PRIMARY KEY,
        name         TEXT NOT NULL,
        -- Integer minor units (cents) of an ISO 4217 currency: sums stay exact.
        amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
        currency     TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
        pipeline_id  INTEGER NOT NULL REFERENCES pipelines(id),
        stage_id     INTEGER NOT NULL,
        -- Order within its stage: 0, 1, 2, ... with no gaps (the repository keeps it dense).
        position     INTEGER NOT NULL CHECK (position >= 0),
        close_date   TEXT,
        owner        TEXT,
        company_id   INTEGER REFERENCES companies(id) ON DELETE SET NULL,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        FOREIGN KEY (stage_id, pipeline_id) REFERENCES pipeline_stages (id, pipeline_id)
      ) STRICT;
      CREATE INDEX deals_by_stage ON deals (stage_id, position);
      CREATE INDEX deals_by_company ON deals (company_id, updated_at DESC, id DESC) WHERE company_id IS NOT NULL;
      CREATE INDEX deals_by_update ON deals (updated_at DESC, id DESC);

      CREATE TABLE deal_contacts (
        deal_id    INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
        contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        PRIMARY KEY (deal_id, contact_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX deal_contacts_by_contact ON deal_contacts (contact_id, deal_id);

      -- Every stage a deal entered, written in the transaction that moves it (creation included,
      -- with from_stage_id NULL).
      CREATE TABLE deal_stage_changes (
        id            INTEGER PRIMARY KEY,
        deal_id       INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
        from_stage_id INTEGER REFERENCES pipeline_stages(id),
        to_stage_id   INTEGER NOT NULL REFERENCES pipeline_stages(id),
        changed_at    TEXT NOT NULL
      ) STRICT;
      CREATE INDEX deal_stage_changes_by_deal ON deal_stage_changes (deal_id, changed_at DESC, id DESC);

      CREATE TABLE notes (
        id         INTEGER PRIMARY KEY,
        contact_id INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
        company_id INTEGER REFERENCES companies(id) ON DELETE CASCADE,
        deal_id    INTEGER REFERENCES deals(id) ON DELETE CASCADE,
        body       TEXT NOT NULL,
        author     TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK ((contact_id IS NOT NULL) + (company_id IS NOT NULL) + (deal_id IS NOT NULL) = 1)
      ) STRICT;
      CREATE INDEX notes_by_contact ON notes (contact_id, created_at DESC, id DESC) WHERE contact_id IS NOT NULL;
      CREATE INDEX notes_by_company ON notes (company_id, created_at DESC, id DESC) WHERE company_id IS NOT NULL;
      CREATE INDEX notes_by_deal ON notes (deal_id, created_at DESC, id DESC) WHERE deal_id IS NOT NULL;

      CREATE TABLE tasks (
        id         INTEGER PRIMARY KEY,
        contact_id INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
        company_id INTEGER REFERENCES companies(id) ON DELETE CASCADE,
        deal_id    INTEGER REFERENCES deals(id) ON DELETE CASCADE,
        title      TEXT NOT NULL,
        due_at     TEXT,
        done_at    TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK ((contact_id IS NOT NULL) + (company_id IS NOT NULL) + (deal_id IS NOT NULL) = 1)
      ) STRICT;
      CREATE INDEX tasks_by_contact ON tasks (contact_id, created_at DESC, id DESC) WHERE contact_id IS NOT NULL;
      CREATE INDEX tasks_by_company ON tasks (company_id, created_at DESC, id DESC) WHERE company_id IS NOT NULL;
      CREATE INDEX tasks_by_deal ON tasks (deal_id, created_at DESC, id DESC) WHERE deal_id IS NOT NULL;
      -- Open tasks by due time (a to-do list, reminders).
      CREATE INDEX tasks_open_by_due ON tasks (due_at) WHERE done_at IS NULL;
      -- Each contact's email threads (its live messages grouped by thread): what a record's
      -- timeline pages through, newest first, without grouping a contact's whole mail on every
      -- page (10,000 messages took ~15 ms a page; this reads ~limit rows of an index). Derived
      -- data kept exact by the triggers below in the writer's own transaction. No foreign keys on
      -- purpose: a merge re-points contacts' foreign keys, and this table follows message_contacts
      -- through its triggers instead.
      CREATE TABLE contact_threads (
        contact_id        INTEGER NOT NULL,
        thread_id         INTEGER NOT NULL,
        last_at           TEXT NOT NULL,
        latest_message_id INTEGER NOT NULL,
        messages          INTEGER NOT NULL,
        PRIMARY KEY (contact_id, thread_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX contact_threads_by_time ON contact_threads (contact_id, last_at DESC, thread_id DESC);
      INSERT INTO contact_threads (contact_id, thread_id, last_at, latest_message_id, messages)
        SELECT mc.contact_id, m.thread_id, max(m.date), m.id, count(DISTINCT m.id)
        FROM message_contacts mc JOIN messages m ON m.id = mc.message_id
        WHERE EXISTS (SELECT 1 FROM message_locations l WHERE l.message = m.id)
        GROUP BY mc.contact_id, m.thread_id;
    `);

    // Every write that can change a contact's threads: a link made, removed or re-pointed, a
    // message gaining or losing its last folder, moving to another thread, changing date, or
    // deleted (before it goes: the links' cascade can no longer see its thread).
    db.exec(`
      -- The linker's hot path, so counted in place rather than recomputed: a live message newly
      -- linked to the contact (not just in another role) adds one to its thread.
      CREATE TRIGGER contact_threads_link_added AFTER INSERT ON message_contacts
      WHEN EXISTS (SELECT 1 FROM message_locations l WHERE l.message = NEW.message_id)
        AND NOT EXISTS (
          SELECT 1 FROM message_contacts x
          WHERE x.message_id = NEW.message_id AND x.contact_id = NEW.contact_id AND x.role <> NEW.role
        )
      BEGIN
        INSERT INTO contact_threads (contact_id, thread_id, last_at, latest_message_id, messages)
          SELECT NEW.contact_id, m.thread_id, m.date, m.id, 1 FROM messages m WHERE m.id = NEW.message_id
        ON CONFLICT (contact_id, thread_id) DO UPDATE SET
          messages = messages + 1,
          latest_message_id = CASE WHEN excluded.last_at > last_at THEN excluded.latest_message_id ELSE latest_message_id END,
          last_at = max(last_at, excluded.last_at);
      END;
      CREATE TRIGGER contact_threads_link_removed AFTER DELETE ON message_contacts
      BEGIN ${recompute('SELECT OLD.contact_id AS contact_id', threadOf('OLD.message_id'))}
      END;
      CREATE TRIGGER contact_threads_link_changed AFTER UPDATE OF contact_id, message_id ON message_contacts
      BEGIN ${recompute('SELECT OLD.contact_id AS contact_id', threadOf('OLD.message_id'))}
        ${recompute('SELECT NEW.contact_id AS contact_id', threadOf('NEW.message_id'))}
      END;
      CREATE TRIGGER contact_threads_location_added AFTER INSERT ON message_locations
      BEGIN ${recompute(contactsOf('NEW.message'), threadOf('NEW.message'))}
      END;
      CREATE TRIGGER contact_threads_location_removed AFTER DELETE ON message_locations
      BEGIN ${recompute(contactsOf('OLD.message'), threadOf('OLD.message'))}
      END;
      CREATE TRIGGER contact_threads_location_moved AFTER UPDATE OF message ON message_locations
      WHEN OLD.message <> NEW.message
      BEGIN ${recompute(contactsOf('OLD.message'), threadOf('OLD.message'))}
        ${recompute(contactsOf('NEW.message'), threadOf('NEW.message'))}
      END;
      CREATE TRIGGER contact_threads_message_rethreaded AFTER UPDATE OF thread_id, date ON messages
      BEGIN ${recompute(contactsOf('NEW.id'), 'OLD.thread_id')}
        ${recompute(contactsOf('NEW.id'), 'NEW.thread_id')}
      END;
      CREATE TRIGGER contact_threads_message_deleted BEFORE DELETE ON messages
      BEGIN ${recompute(contactsOf('OLD.id'), 'OLD.thread_id', 'OLD.id')}
      END;
    `);

    const now = new Date().toISOString();
    const pipeline = db
      .prepare('INSERT INTO pipelines (name, position, created_at) VALUES (?, 0, ?)')
      .run('Sales', now);
    const stage = db.prepare('INSERT INTO pipeline_stages (pipeline_id, name, position, kind) VALUES (?, ?, ?, ?)');
    const stages: [string, 'open' | 'won' | 'lost'][] = [
      ['Lead', 'open'],
      ['Qualified', 'open'],
      ['Proposal', 'open'],
      ['Negotiation', 'open'],
      ['Won', 'won'],
      ['Lost', 'lost'],
    ];
    stages.forEach(([name, kind], position) => stage.run(pipeline.lastInsertRowid, name, position, kind));
  },
};
