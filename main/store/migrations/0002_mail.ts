import type { Migration } from './migration.js';

/**
 * Mail: accounts, folders with their opaque sync cursors, messages (one row per distinct message,
 * whatever folders hold it) and their per-folder locations, threads, and sync health.
 */
export const m0002Mail: Migration = {
  version: 2,
  name: 'mail',
  up(db) {
    db.exec(`
      CREATE TABLE accounts (
        id           TEXT PRIMARY KEY,
        kind         TEXT NOT NULL CHECK (kind IN ('imap', 'gmail', 'graph')),
        email        TEXT NOT NULL,
        display_name TEXT NOT NULL,
        -- Connection settings as JSON; never the password (that is a sealed secret).
        config       TEXT NOT NULL,
        created_at   TEXT NOT NULL
      ) STRICT;

      CREATE TABLE folders (
        id                INTEGER PRIMARY KEY,
        account_id        TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        path              TEXT NOT NULL,
        name              TEXT NOT NULL,
        role              TEXT NOT NULL,
        sync_enabled      INTEGER NOT NULL,
        -- The driver's opaque cursor, committed in the same transaction as the messages it covers.
        cursor            TEXT,
        remote_total      INTEGER NOT NULL DEFAULT 0,
        backfill_complete INTEGER NOT NULL DEFAULT 0,
        last_synced_at    TEXT,
        UNIQUE (account_id, path)
      ) STRICT;

      CREATE TABLE threads (
        id          INTEGER PRIMARY KEY,
        account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        subject_key TEXT NOT NULL,
        last_date   TEXT
      ) STRICT;
      CREATE INDEX threads_by_subject ON threads (account_id, subject_key, last_date);

      CREATE TABLE messages (
        id               INTEGER PRIMARY KEY,
        account_id       TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        -- Stable across folders, UIDVALIDITY changes and providers (Message-ID + content hash).
        identity         TEXT NOT NULL,
        message_id       TEXT,
        thread_id        INTEGER NOT NULL REFERENCES threads(id),
        subject          TEXT,
        date             TEXT NOT NULL,
        from_json        TEXT NOT NULL,
        to_json          TEXT NOT NULL,
        cc_json          TEXT NOT NULL,
        bcc_json         TEXT NOT NULL,
        reply_to_json    TEXT NOT NULL,
        in_reply_to      TEXT,
        references_json  TEXT NOT NULL,
        snippet          TEXT NOT NULL,
        body_text        TEXT,
        body_html        TEXT,
        text_truncated   INTEGER NOT NULL,
        attachments_json TEXT NOT NULL,
        size             INTEGER NOT NULL,
        direction        TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
        list_id          TEXT,
        list_unsubscribe TEXT,
        precedence       TEXT,
        auto_submitted   TEXT,
        warnings_json    TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        UNIQUE (account_id, identity)
      ) STRICT;
      CREATE INDEX messages_by_message_id ON messages (account_id, message_id);
      CREATE INDEX messages_by_date ON messages (account_id, date DESC);
      CREATE INDEX messages_by_thread ON messages (thread_id, date);

      -- Every Message-ID a message points at (References + In-Reply-To): newest-first sync sees
      -- replies before their parents, so a parent must find the replies that reference it.
      CREATE TABLE message_refs (
        account_id TEXT NOT NULL,
        ref_id     TEXT NOT NULL,
        message    INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        PRIMARY KEY (account_id, ref_id, message)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX message_refs_by_message ON message_refs (message);

      -- Where a message lives on the server: one row per folder holding it.
      CREATE TABLE message_locations (
        folder_id  INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        remote_id  TEXT NOT NULL,
        message    INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        flags_json TEXT NOT NULL,
        PRIMARY KEY (folder_id, remote_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX message_locations_by_message ON message_locations (message);

      CREATE TABLE sync_health (
        account_id         TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        state              TEXT NOT NULL,
        last_success_at    TEXT,
        last_error_code    TEXT,
        last_error_message TEXT,
        last_error_at      TEXT,
        retry_at           TEXT
      ) STRICT;
    `);
  },
};
