import type { Db } from '../../main/store/sqlcipher.js';

/**
 * What the full-text index holds against what it should: every (term, message, column, offset) of
 * message_search, and of a fresh index of the messages it should cover (keyed as migration 0010 keys them) (up to the checkpoint, minus
 * the backlog). A delete with the wrong text, a batch indexed twice or lost, shows as a difference.
 * (FTS5's own integrity-check with rank=1 cannot read a view with subqueries as its content.)
 */
export function searchIndexInstances(db: Db): { actual: unknown[]; expected: unknown[] } {
  db.exec(`INSERT INTO message_search (message_search) VALUES ('integrity-check')`);
  db.exec(`
    DROP TABLE IF EXISTS temp.reference;
    CREATE VIRTUAL TABLE temp.reference USING fts5 (subject, body, participants, tokenize = 'unicode61 remove_diacritics 2');
    INSERT INTO temp.reference (rowid, subject, body, participants)
    SELECT key, subject, body, participants FROM message_search_source
    WHERE id <= (SELECT indexed_through FROM search_state) AND id NOT IN (SELECT id FROM search_backlog);
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.actual_terms USING fts5vocab('main', 'message_search', 'instance');
    DROP TABLE IF EXISTS temp.reference_terms;
    CREATE VIRTUAL TABLE temp.reference_terms USING fts5vocab('temp', 'reference', 'instance');
  `);
  const list = (table: string): unknown[] =>
    db.prepare(`SELECT term, doc, col, offset FROM temp.${table} ORDER BY term, doc, col, offset`).raw().all();
  // Every message the index should cover has exactly one search key (the view joins through it, so a
  // missing key would drop the message from both sides unseen), and no key outlives its message.
  const keyed = db
    .prepare(
      `SELECT (SELECT count(*) FROM messages WHERE id <= (SELECT indexed_through FROM search_state)
                 AND id NOT IN (SELECT id FROM search_backlog)) AS covered,
              (SELECT count(*) FROM search_keys k JOIN messages m ON m.id = k.message_id
                 WHERE m.id NOT IN (SELECT id FROM search_backlog)) AS keyed,
              (SELECT count(*) FROM search_keys WHERE message_id NOT IN (SELECT id FROM messages)) AS orphans`,
    )
    .get() as { covered: number; keyed: number; orphans: number };
  if (keyed.covered !== keyed.keyed || keyed.orphans !== 0) {
    throw new Error(`search keys out of step: ${JSON.stringify(keyed)}`);
  }
  return { actual: list('actual_terms'), expected: list('reference_terms') };
}
