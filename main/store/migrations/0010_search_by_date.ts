import type { Migration } from './migration.js';

/**
 * The search index keyed by date, so "newest first" no longer sorts every match.
 *
 * Migration 0005 used the message id as the index's rowid. Ids follow sync order (an initial sync
 * stores the newest mail first), so newest-first had to read and sort every match: with 1,000,000
 * messages a common word is in most of them, and the sort took seconds. Now each indexed message
 * gets a search key that grows with its date (search_keys: unix seconds × 2^21, plus a sequence for
 * messages of the same second), and the index's rowid is that key. FTS5 walks a doclist backwards
 * in rowid order, so `ORDER BY rowid DESC LIMIT 26` reads 26 matches and stops, however many there are.
 *
 * Keys are given by the indexer in the transaction that indexes the message (see
 * SearchRepository.indexBatch), and removed by the delete trigger with the index entry. The index is
 * rebuilt from scratch by the background indexer: the checkpoint starts again at 0.
 */
export const m0010SearchByDate: Migration = {
  version: 10,
  name: 'search by date',
  up(db) {
    db.exec(`
      DROP TRIGGER messages_search_reused;
      DROP TRIGGER messages_search_deleted;
      DROP TRIGGER messages_search_unindex_old;
      DROP TRIGGER messages_search_index_new;
      DROP TABLE message_search;
      DROP VIEW message_search_source;
      DELETE FROM search_backlog;
      UPDATE search_state SET indexed_through = 0;

      CREATE TABLE search_keys (
        key        INTEGER PRIMARY KEY,
        message_id INTEGER NOT NULL UNIQUE
      ) STRICT;

      CREATE VIEW message_search_source (key, id, subject, body, participants) AS
      SELECT
        k.key,
        m.id,
        coalesce(m.subject, ''),
        substr(coalesce(m.body_text, ''), 1, 32768),
        (
          SELECT coalesce(group_concat(p.who, ' '), '') FROM (
            SELECT trim(coalesce(json_extract(j.value, '$.name'), '') || ' ' || coalesce(json_extract(j.value, '$.address'), '')) AS who
            FROM json_each(m.from_json) j
            UNION ALL
            SELECT trim(coalesce(json_extract(j.value, '$.name'), '') || ' ' || coalesce(json_extract(j.value, '$.address'), ''))
            FROM json_each(m.to_json) j
            UNION ALL
            SELECT trim(coalesce(json_extract(j.value, '$.name'), '') || ' ' || coalesce(json_extract(j.value, '$.address'), ''))
            FROM json_each(m.cc_json) j
          ) p
        )
      FROM search_keys k JOIN messages m ON m.id = k.message_id;

      -- As in 0005: prefix '3', and a word in the subject weighs most, then a participant, then the body.
      CREATE VIRTUAL TABLE message_search USING fts5 (
        subject, body, participants,
        content = 'message_search_source',
        content_rowid = 'key',
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '3'
      );
      INSERT INTO message_search (message_search, rank) VALUES ('rank', 'bm25(8.0, 1.0, 4.0)');

      CREATE TRIGGER messages_search_reused AFTER INSERT ON messages
      WHEN NEW.id <= (SELECT indexed_through FROM search_state WHERE id = 1)
      BEGIN
        INSERT OR IGNORE INTO search_backlog (id) VALUES (NEW.id);
      END;

      -- BEFORE: the row (and so the view) still holds the text that was indexed.
      CREATE TRIGGER messages_search_deleted BEFORE DELETE ON messages
      WHEN OLD.id <= (SELECT indexed_through FROM search_state WHERE id = 1)
      BEGIN
        INSERT INTO message_search (message_search, rowid, subject, body, participants)
        SELECT 'delete', s.key, s.subject, s.body, s.participants FROM message_search_source s
        WHERE s.id = OLD.id AND NOT EXISTS (SELECT 1 FROM search_backlog b WHERE b.id = OLD.id);
        DELETE FROM search_keys WHERE message_id = OLD.id;
        DELETE FROM search_backlog WHERE id = OLD.id;
      END;

      CREATE TRIGGER messages_search_unindex_old BEFORE UPDATE OF subject, body_text, from_json, to_json, cc_json ON messages
      WHEN OLD.id <= (SELECT indexed_through FROM search_state WHERE id = 1)
        AND NOT EXISTS (SELECT 1 FROM search_backlog b WHERE b.id = OLD.id)
      BEGIN
        INSERT INTO message_search (message_search, rowid, subject, body, participants)
        SELECT 'delete', s.key, s.subject, s.body, s.participants FROM message_search_source s WHERE s.id = OLD.id;
      END;
      CREATE TRIGGER messages_search_index_new AFTER UPDATE OF subject, body_text, from_json, to_json, cc_json ON messages
      WHEN NEW.id <= (SELECT indexed_through FROM search_state WHERE id = 1)
        AND NOT EXISTS (SELECT 1 FROM search_backlog b WHERE b.id = NEW.id)
      BEGIN
        INSERT INTO message_search (rowid, subject, body, participants)
        SELECT s.key, s.subject, s.body, s.participants FROM message_search_source s WHERE s.id = NEW.id;
      END;
    `);
  },
};
