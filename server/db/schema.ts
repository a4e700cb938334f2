/**
 * The tables as Kysely sees them. Timestamps are milliseconds since the epoch in BIGINT columns
 * (numbers on both databases: the PostgreSQL pool parses INT8 as a number), booleans are 0/1
 * integers: one representation, so queries are written once for SQLite and PostgreSQL.
 */
export type UsersTable = {
  id: string;
  email: string;
  /** Lower-cased, NFC-normalized email: unique, so one address can't hold two accounts by case. */
  email_normalized: string;
  password_hash: string;
  is_admin: number;
  created_at: number;
  disabled_at: number | null;
};

export type SessionsTable = {
  id: string;
  /** SHA-256 of the bearer token: a database leak gives no usable session. */
  token_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
};

/** One row per failed login, keyed by the normalized email (known account or not). */
export type LoginAttemptsTable = {
  id: string;
  account_key: string;
  attempted_at: number;
};

export type BootstrapTokensTable = {
  id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
};

export type SchemaMigrationsTable = {
  version: number;
  name: string;
  applied_at: number;
};

export type ServerDatabase = {
  users: UsersTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  bootstrap_tokens: BootstrapTokensTable;
  schema_migrations: SchemaMigrationsTable;
};
