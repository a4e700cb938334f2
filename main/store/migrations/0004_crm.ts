import type { Migration } from './migration.js';

/**
 * The CRM built from mail: contacts (each address once, lower-cased), companies (one per email
 * domain), who took part in which message, and why each address seen did or did not become a
 * contact (link_decisions, read by contacts.explain).
 *
 * The linker works from crm_link_queue: a trigger enqueues every message the sync inserts, in the
 * sync's own transaction, and the linker deletes a message from the queue in the transaction that
 * writes its links. Whatever kills the process, a message is linked exactly once or still queued.
 */
export const m0004Crm: Migration = {
  version: 4,
  name: 'crm',
  up(db) {
    db.exec(`
      -- Which mail makes contacts: 'off', 'sent' (people the user wrote to, and those who replied),
      -- 'all' (sent and received). 'sent' by default: inbound-only senders are mostly cold pitches,
      -- vendors and notifications that carry no bulk header.
      ALTER TABLE accounts ADD COLUMN contact_mode TEXT NOT NULL DEFAULT 'sent'
        CHECK (contact_mode IN ('off', 'sent', 'all'));

      CREATE TABLE companies (
        id          INTEGER PRIMARY KEY,
        domain      TEXT NOT NULL UNIQUE,
        name        TEXT NOT NULL,
        owner       TEXT,
        custom_fields TEXT NOT NULL DEFAULT '{}',
        source      TEXT NOT NULL CHECK (source IN ('mail', 'manual')),
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      ) STRICT;

      CREATE TABLE contacts (
        id               INTEGER PRIMARY KEY,
        name             TEXT NOT NULL,
        -- 1 while the name was made from the address; a display name seen later replaces it.
        name_derived     INTEGER NOT NULL DEFAULT 0,
        phones           TEXT NOT NULL DEFAULT '[]',
        title            TEXT,
        owner            TEXT,
        lifecycle_stage  TEXT,
        custom_fields    TEXT NOT NULL DEFAULT '{}',
        source           TEXT NOT NULL CHECK (source IN ('mail', 'manual')),
        last_activity_at TEXT,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
      ) STRICT;
      CREATE INDEX contacts_by_activity ON contacts (last_activity_at DESC, id DESC);
      CREATE INDEX contacts_by_name ON contacts (name COLLATE NOCASE);

      CREATE TABLE contact_emails (
        address    TEXT PRIMARY KEY CHECK (address = lower(address)),
        contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE
      ) STRICT;
      CREATE INDEX contact_emails_by_contact ON contact_emails (contact_id);

      CREATE TABLE contact_companies (
        contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        PRIMARY KEY (contact_id, company_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX contact_companies_by_company ON contact_companies (company_id);

      CREATE TABLE message_contacts (
        message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        role       TEXT NOT NULL CHECK (role IN ('from', 'to', 'cc', 'bcc')),
        PRIMARY KEY (message_id, contact_id, role)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX message_contacts_by_contact ON message_contacts (contact_id, message_id);

      -- Every mailbox seen in a linked message, contact or not: a contact made later (newest-first
      -- sync sees a reply before the mail that made its sender a contact) links to its older mail.
      CREATE TABLE message_participants (
        address    TEXT NOT NULL,
        message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        role       TEXT NOT NULL CHECK (role IN ('from', 'to', 'cc', 'bcc')),
        PRIMARY KEY (address, message_id, role)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX message_participants_by_message ON message_participants (message_id);

      -- The addresses the user sent from (the account's and its aliases), learnt from sent mail.
      CREATE TABLE own_addresses (
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        address    TEXT NOT NULL,
        PRIMARY KEY (account_id, address)
      ) STRICT, WITHOUT ROWID;

      -- One row per address seen: the decision that stands (a creation outranks any skip).
      CREATE TABLE link_decisions (
        address     TEXT PRIMARY KEY CHECK (address = lower(address)),
        created     INTEGER NOT NULL,
        rule        TEXT NOT NULL,
        explanation TEXT NOT NULL,
        company_rule TEXT,
        company_explanation TEXT,
        account_id  TEXT,
        message_id  INTEGER REFERENCES messages(id) ON DELETE SET NULL,
        decided_at  TEXT NOT NULL
      ) STRICT;

      CREATE TABLE crm_link_queue (message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE) STRICT;
      INSERT INTO crm_link_queue (message_id) SELECT id FROM messages;
      CREATE TRIGGER messages_queued_for_crm AFTER INSERT ON messages
      BEGIN
        INSERT OR IGNORE INTO crm_link_queue (message_id) VALUES (NEW.id);
      END;
    `);
  },
};
