import type { Migration } from './migration.js';

/**
 * Senders whose remote images the user chose to show. Remote images are blocked by default (a
 * tracking pixel tells the sender when and where the mail was read); the choice is per sender
 * address and lasts until the user takes it back.
 */
export const m0011ImageSenders: Migration = {
  version: 11,
  name: 'image senders',
  up(db) {
    db.exec(`
      CREATE TABLE image_senders (
        address    TEXT PRIMARY KEY CHECK (address = lower(address) AND address <> ''),
        allowed_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
