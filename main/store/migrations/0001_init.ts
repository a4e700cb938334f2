import type { Migration } from './migration.js';

export const m0001Init: Migration = {
  version: 1,
  name: 'init',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      -- Secrets sealed with the field key (AES-256-GCM): the plaintext never reaches a page.
      CREATE TABLE secrets (
        name       TEXT PRIMARY KEY,
        sealed     BLOB NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
