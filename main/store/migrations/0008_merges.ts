import type { Migration } from './migration.js';

/**
 * Merges of contacts and of companies, with what it takes to undo each one exactly.
 *
 * `undo` is a JSON snapshot written in the merge's own transaction: the target's row before, the
 * sources' rows, which links were re-pointed (by rowid, or by primary key for WITHOUT ROWID tables)
 * and the full rows dropped because the target already had the same link. `target_after` is the
 * target's row right after the merge: an undo finding a different row knows the target was changed
 * since, and refuses rather than silently losing that change.
 *
 * No foreign key to contacts or companies on purpose: a merge record outlives the records it names,
 * and the generic re-pointing (every foreign key that references contacts(id)) must not touch it.
 */
export const m0008Merges: Migration = {
  version: 8,
  name: 'merges',
  up(db) {
    db.exec(`
      CREATE TABLE merges (
        id           INTEGER PRIMARY KEY,
        kind         TEXT NOT NULL CHECK (kind IN ('contact', 'company')),
        target_id    INTEGER NOT NULL,
        source_ids   TEXT NOT NULL,
        target_name  TEXT NOT NULL,
        source_names TEXT NOT NULL,
        undo         TEXT NOT NULL,
        target_after TEXT NOT NULL,
        merged_at    TEXT NOT NULL,
        undone_at    TEXT
      ) STRICT;
      CREATE INDEX merges_by_kind ON merges (kind, id DESC);

      -- The companies list pages by name (keyset): without it each page sorts every company.
      CREATE INDEX companies_by_name ON companies (name, id);
    `);
  },
};
