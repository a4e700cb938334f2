import type { Migration } from './migration.js';

/**
 * Counters the Sync page reads on every sync.changed event: messages per folder and live messages
 * (held by some folder) per account. Counting them at each read took O(messages): ~14 ms at 50,000
 * messages, and the page may read up to four times a second during a sync. Triggers keep them
 * exact whatever writes the locations (pages, resets, folder or account removal, cascades).
 */
export const m0003MailCounters: Migration = {
  version: 3,
  name: 'mail-counters',
  up(db) {
    db.exec(`
      ALTER TABLE folders ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE accounts ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0;

      UPDATE folders SET message_count = (SELECT count(*) FROM message_locations l WHERE l.folder_id = folders.id);
      UPDATE accounts SET message_count = (
        SELECT count(*) FROM messages m
        WHERE m.account_id = accounts.id AND EXISTS (SELECT 1 FROM message_locations l WHERE l.message = m.id)
      );

      CREATE TRIGGER message_locations_counted_in AFTER INSERT ON message_locations
      BEGIN
        UPDATE folders SET message_count = message_count + 1 WHERE id = NEW.folder_id;
        -- The message's first location: it is live again (or for the first time).
        UPDATE accounts SET message_count = message_count + 1
        WHERE id = (SELECT account_id FROM messages WHERE id = NEW.message)
          AND NOT EXISTS (
            SELECT 1 FROM message_locations l
            WHERE l.message = NEW.message AND NOT (l.folder_id = NEW.folder_id AND l.remote_id = NEW.remote_id)
          );
      END;

      CREATE TRIGGER message_locations_counted_out AFTER DELETE ON message_locations
      BEGIN
        UPDATE folders SET message_count = message_count - 1 WHERE id = OLD.folder_id;
        -- Its last location: no folder holds the message any more.
        UPDATE accounts SET message_count = message_count - 1
        WHERE id = (SELECT account_id FROM messages WHERE id = OLD.message)
          AND NOT EXISTS (SELECT 1 FROM message_locations l WHERE l.message = OLD.message);
      END;

      -- A location re-pointed at another message (an upsert of the same UID after a reset).
      CREATE TRIGGER message_locations_recounted AFTER UPDATE OF message ON message_locations
      WHEN OLD.message <> NEW.message
      BEGIN
        UPDATE accounts SET message_count = message_count - 1
        WHERE id = (SELECT account_id FROM messages WHERE id = OLD.message)
          AND NOT EXISTS (SELECT 1 FROM message_locations l WHERE l.message = OLD.message);
        UPDATE accounts SET message_count = message_count + 1
        WHERE id = (SELECT account_id FROM messages WHERE id = NEW.message)
          AND NOT EXISTS (
            SELECT 1 FROM message_locations l
            WHERE l.message = NEW.message AND NOT (l.folder_id = NEW.folder_id AND l.remote_id = NEW.remote_id)
          );
      END;
    `);
  },
};
