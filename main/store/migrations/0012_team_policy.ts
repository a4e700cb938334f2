import type { Migration } from './migration.js';

/**
 * The team server link (issue 7). `team_enrollment` is the one workspace this profile is enrolled
 * with: its URL, the enrolled user and the workspace's Ed25519 public key pinned at enrollment (JWK).
 * `team_policy` keeps the last policy that passed verification, as the signed JWS (re-verified when
 * loaded) with its version, so a replayed older one is refused even after a restart.
 * `audit_outbox` queues what the server's audit log must learn (refused calls, ...) until it is sent.
 * All of it lives in the encrypted store; the session token is a sealed secret ('team:session').
 */
export const m0012TeamPolicy: Migration = {
  version: 12,
  name: 'team policy',
  up(db) {
    db.exec(`
      CREATE TABLE team_enrollment (
        id             INTEGER PRIMARY KEY CHECK (id = 1),
        server_url     TEXT NOT NULL,
        workspace_id   TEXT NOT NULL,
        user_id        TEXT NOT NULL,
        public_key_jwk TEXT NOT NULL,
        enrolled_at    TEXT NOT NULL
      ) STRICT;

      CREATE TABLE team_policy (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        version     INTEGER NOT NULL CHECK (version >= 0),
        jws         TEXT NOT NULL,
        etag        TEXT,
        received_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE audit_outbox (
        id       INTEGER PRIMARY KEY,
        at       TEXT NOT NULL,
        kind     TEXT NOT NULL,
        detail   TEXT NOT NULL CHECK (json_valid(detail)),
        sent_at  TEXT
      ) STRICT;
      CREATE INDEX audit_outbox_unsent ON audit_outbox (id) WHERE sent_at IS NULL;
    `);
  },
};
