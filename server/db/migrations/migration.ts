import type { Kysely } from 'kysely';
import type { ServerSecrets } from '../../secrets/server-secrets.js';
import type { DatabaseKind } from '../database.js';

/** What a migration may need besides the database: the server key, for one that seals values. */
export type MigrationContext = { secrets?: ServerSecrets | undefined };

/** The context as a migration sees it: also which database it runs on (the migrator knows it). */
export type MigrationRun = MigrationContext & { kind: DatabaseKind };

export type Migration = {
  version: number;
  name: string;
  // A migration that needs nothing of the context may ignore it (most do).
  up(db: Kysely<unknown>, context: MigrationRun): Promise<void>;
  /**
   * Tables whose old row versions held plaintext this migration replaced: once it committed, the
   * migrator rewrites them (VACUUM FULL on PostgreSQL, VACUUM and a WAL truncate on SQLite) so the
   * plaintext is not left in free space of the database files.
   */
  compactAfter?: readonly string[];
};
