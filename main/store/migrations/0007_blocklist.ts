import type { Migration } from './migration.js';

/**
 * The blocklist and the tombstones of the messages it keeps out of the store.
 *
 * A tombstone is a message the sync saw (or had stored) from a blocked sender: where it lives on
 * the server (the folder, hence the account; the provider id; the folder cursor of the moment,
 * which for IMAP carries the UIDVALIDITY the UID belongs to) and its sender. Tombstones do not
 * point at an entry: a sender blocked by both its address and its domain stays out until neither
 * matches. Once no entry matches, the next sync pass fetches the message again, and the
 * tombstone is deleted only in the transaction that stores the message again (or learns it is
 * gone from the server), so a kill at any moment loses nothing.
 *
 * Removing a folder (or its account) drops its tombstones with it; a folder reset (UIDVALIDITY
 * change) drops them too, since its resync fetches every message again and files each anew.
 */
export const m0007Blocklist: Migration = {
  version: 7,
  name: 'blocklist',
  up(db) {
    db.exec(`
      CREATE TABLE blocklist (
        id         INTEGER PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('address', 'domain')),
        value      TEXT NOT NULL CHECK (value = lower(value)),
        created_at TEXT NOT NULL,
        UNIQUE (kind, value)
      ) STRICT;

      CREATE TABLE blocked_messages (
        folder_id  INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        remote_id  TEXT NOT NULL,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        -- The folder's cursor when the message was seen: the driver refuses a re-fetch when the
        -- folder's ids changed since (IMAP: another UIDVALIDITY).
        cursor     TEXT,
        sender     TEXT NOT NULL CHECK (sender = lower(sender)),
        message_id TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (folder_id, remote_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX blocked_messages_by_sender ON blocked_messages (sender);
      CREATE INDEX blocked_messages_by_account ON blocked_messages (account_id);
    `);
  },
};
