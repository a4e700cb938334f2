import type { Migration } from './migration.js';

/**
 * Offline full-text search of mail: an FTS5 index over subject, the first 32,768 characters of the
 * body text and the participants (names and addresses of From, To and Cc).
 *
 * External content over a view: the index holds only the tokens (no second copy of the text, which a
 * plain FTS table would write through SQLCipher again); snippet() and highlight() read the text back
 * from the view for the few rows shown. Messages are never rewritten after insert, so what the view
 * gives at delete time is exactly what was indexed, which an external-content delete needs.
 *
 * Why a body prefix: text parts are kept up to 256 KB, mostly quoted history that every reply of a
 * thread repeats. Indexing it multiplies the index (and the bytes each batch writes) for words that
 * the thread's first message already makes findable, and adds noise to bm25.
 *
 * The sync never writes the index: a background indexer (main/search/search-indexer.ts) adds
 * messages in batches by id above search_state.indexed_through, and moves that checkpoint in the same
 * transaction, so a kill leaves each message either indexed and covered by the checkpoint or neither.
 * Deletes (orphan collection, account removal cascades, anything else) go through a trigger, since
 * the text is gone afterwards. An id at or below the checkpoint that is inserted again (SQLite reuses
 * the largest rowid after it was deleted) waits in search_backlog.
 */
export const m0005Search: Migration = {
  version: 5,
  name: 'search',
  up(db) {
    db.exec(`
      CREATE VIEW message_search_source (id, subject, body, participants) AS
      SELECT
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
      FROM messages m;

      -- prefix '3': search as you type from the third character (the query builder makes shorter
      -- last words whole words: a 1-2 letter prefix matches most of a mailbox). Measured on 5,000
      -- messages: '2 3' made the index 2.5x the size of no prefix index and indexing 2x slower;
      -- '3' costs 1.9x and 1.7x; longer prefixes are a cheap range scan of the term index.
      CREATE VIRTUAL TABLE message_search USING fts5 (
        subject, body, participants,
        content = 'message_search_source',
        content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '3'
      );
      -- Ranked order: a word in the subject weighs most, then a participant, then the body.
      INSERT INTO message_search (message_search, rank) VALUES ('rank', 'bm25(8.0, 1.0, 4.0)');

      CREATE TABLE search_state (
        id              INTEGER PRIMARY KEY CHECK (id = 1),
        indexed_through INTEGER NOT NULL
      ) STRICT;
      INSERT INTO search_state (id, indexed_through) VALUES (1, 0);

      CREATE TABLE search_backlog (id INTEGER PRIMARY KEY) STRICT;

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
        SELECT 'delete', s.id, s.subject, s.body, s.participants FROM message_search_source s
        WHERE s.id = OLD.id AND NOT EXISTS (SELECT 1 FROM search_backlog b WHERE b.id = OLD.id);
        DELETE FROM search_backlog WHERE id = OLD.id;
      END;

      -- Messages are not rewritten today; should a later change edit the indexed text, the index follows.
      CREATE TRIGGER messages_search_unindex_old BEFORE UPDATE OF subject, body_text, from_json, to_json, cc_json ON messages
      WHEN OLD.id <= (SELECT indexed_through FROM search_state WHERE id = 1)
        AND NOT EXISTS (SELECT 1 FROM search_backlog b WHERE b.id = OLD.id)
      BEGIN
        INSERT INTO message_search (message_search, rowid, subject, body, participants)
        SELECT 'delete', s.id, s.subject, s.body, s.participants FROM message_search_source s WHERE s.id = OLD.id;
      END;
      CREATE TRIGGER messages_search_index_new AFTER UPDATE OF subject, body_text, from_json, to_json, cc_json ON messages
      WHEN NEW.id <= (SELECT indexed_through FROM search_state WHERE id = 1)
        AND NOT EXISTS (SELECT 1 FROM search_backlog b WHERE b.id = NEW.id)
      BEGIN
        INSERT INTO message_search (rowid, subject, body, participants)
        SELECT s.id, s.subject, s.body, s.participants FROM message_search_source s WHERE s.id = NEW.id;
      END;
    `);
  },
};
