import type { Migration } from './migration.js';

/**
 * The reports page's email activity (reports.emailActivity): messages sent and received per UTC day,
 * kept by triggers, so a chart of any range reads at most one row per day and direction.
 *
 * Counting at read time does not scale: messages_by_date leads with the account, and a message's
 * direction lives in its row, behind the body, so a year of a 1,000,000-message store read every
 * row's pages (seconds). Even a covering (date, direction) index was measured at 1,000,000 messages
 * to count ~0.5 s for a year of weeks, and it costs an index entry per message; this table costs one
 * upsert of a hot row per message and answers in under a millisecond (bench/report-activity.bench.mjs).
 *
 * Dates are stored as ISO 8601 in UTC, so a message's UTC day is its date's first ten characters.
 * Messages are not rewritten today; the update trigger keeps the counts exact should that change.
 * Deletes by cascade (account removal) fire the delete trigger too.
 */
export const m0009Reports: Migration = {
  version: 9,
  name: 'reports',
  up(db) {
    db.exec(`
      CREATE TABLE message_activity (
        day       TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
        messages  INTEGER NOT NULL,
        PRIMARY KEY (day, direction)
      ) STRICT, WITHOUT ROWID;

      INSERT INTO message_activity (day, direction, messages)
      SELECT substr(date, 1, 10), direction, count(*) FROM messages GROUP BY 1, 2;

      CREATE TRIGGER messages_activity_in AFTER INSERT ON messages
      BEGIN
        INSERT INTO message_activity (day, direction, messages) VALUES (substr(NEW.date, 1, 10), NEW.direction, 1)
        ON CONFLICT (day, direction) DO UPDATE SET messages = messages + 1;
      END;

      CREATE TRIGGER messages_activity_out AFTER DELETE ON messages
      BEGIN
        UPDATE message_activity SET messages = messages - 1
        WHERE day = substr(OLD.date, 1, 10) AND direction = OLD.direction;
      END;

      CREATE TRIGGER messages_activity_moved AFTER UPDATE OF date, direction ON messages
      WHEN substr(OLD.date, 1, 10) <> substr(NEW.date, 1, 10) OR OLD.direction <> NEW.direction
      BEGIN
        UPDATE message_activity SET messages = messages - 1
        WHERE day = substr(OLD.date, 1, 10) AND direction = OLD.direction;
        INSERT INTO message_activity (day, direction, messages) VALUES (substr(NEW.date, 1, 10), NEW.direction, 1)
        ON CONFLICT (day, direction) DO UPDATE SET messages = messages + 1;
      END;
    `);
  },
};
