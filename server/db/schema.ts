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
  /** Argon2id PHC string, or NO_PASSWORD (server/auth/no-password.ts) for an account made by SSO. */
  password_hash: string;
  /**
   * 1 for the account made by the one-time setup link. It authorizes nothing (rights come from
   * roles; that account got the "Admin" role): it only tells whether the workspace was set up, so
   * no further setup link is issued.
   */
  is_admin: number;
  created_at: number;
  disabled_at: number | null;
  /**
   * Set when an administrator set the password (an account reset): a sign-in with it must choose a
   * new one before any session is given (server/auth/required-password.ts). Null otherwise.
   */
  password_change_required_at: number | null;
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
  /** How the session was opened: 'password' (2FA rules apply) or 'sso' (the IdP's own factors). */
  auth_method: SessionAuthMethod;
};

export type SessionAuthMethod = 'password' | 'sso';

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

/** Append-only (triggers refuse UPDATE and DELETE); each row's hash chains to the previous one. */
export type AuditLogTable = {
  seq: number;
  at: number;
  actor_user_id: string | null;
  source: 'server' | 'client';
  action: string;
  target: string | null;
  /** Canonical JSON (sorted keys), the exact text the hash covers. */
  details: string;
  client_event_id: string | null;
  prev_hash: string;
  hash: string;
};

/** The one workspace (singleton = 1): its id, its Ed25519 signing key and the policy timings. */
export type WorkspaceTable = {
  singleton: number;
  id: string;
  /** The public key as JWK JSON. */
  public_key_jwk: string;
  /** The PKCS8 PEM sealed with the server secret key (server/secrets, place: WORKSPACE_PRIVATE_KEY). */
  private_key_sealed: string;
  policy_lifetime_hours: number;
  /** No longer read: the grace is a workspace setting since migration 0010 (workspace_settings). */
  offline_grace_hours: number;
  created_at: number;
};

/** A hierarchy: a team's parent includes it (a manager's team includes its sub-teams). */
export type TeamsTable = { id: string; name: string; parent_id: string | null; created_at: number };

export type TeamMembersTable = { team_id: string; user_id: string; is_manager: number };

/** A permission set; permissions and field_rules are JSON in the shapes of common/rbac. */
export type RolesTable = {
  id: string;
  name: string;
  permissions: string;
  field_rules: string;
  email_visibility: string;
  created_at: number;
  updated_at: number;
};

export type UserRolesTable = { user_id: string; role_id: string; assigned_at: number };

/**
 * The rights last compiled for a user (their hash) and the policy version they were given; since
 * 0009 also the last copy signed for that version (null until signed, cleared when the version moves).
 */
export type PolicyVersionsTable = {
  user_id: string;
  rights_hash: string;
  version: number;
  updated_at: number;
  jws: string | null;
  issued_at: number | null;
  expires_at: number | null;
};

/** A user's TOTP secret; enabled once a first code confirmed it. */
export type UserTotpTable = {
  user_id: string;
  /** The Base32 secret sealed with the server secret key (server/secrets, place: USER_TOTP_SECRET). */
  secret_sealed: string;
  created_at: number;
  enabled_at: number | null;
  /** The last RFC 6238 time step accepted: each code is good once. */
  last_time_step: number | null;
};

/** A one-time recovery code, stored as the SHA-256 of its normalized form. */
export type RecoveryCodesTable = {
  id: string;
  user_id: string;
  code_hash: string;
  created_at: number;
  used_at: number | null;
};

/** The short-lived token between a right password and the second factor, stored as its SHA-256. */
export type SecondFactorChallengesTable = {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  /** What redeems it: a second factor, or the new password a temporary one must be traded for. */
  kind: SignInChallengeKind;
};

export type SignInChallengeKind = 'second_factor' | 'password_change';

/** Workspace-wide settings (singleton = 1): "require 2FA for everyone" and the IP allowlist (JSON CIDRs). */
export type WorkspaceSettingsTable = {
  singleton: number;
  require_2fa: number;
  ip_allowlist: string;
  /** The longest a just-in-time grant may last (migration 0005). */
  grant_max_minutes: number;
  /** How long past its expiry a desktop offline keeps its policy (migration 0010). */
  offline_grace_hours: number;
  updated_at: number;
};

/** The OIDC single sign-on configuration (singleton = 1). */
export type SsoConfigTable = {
  singleton: number;
  enabled: number;
  issuer: string | null;
  client_id: string | null;
  /** Write-only through the API, never returned or logged. Sealed with the server secret key (server/secrets), bound to this row. */
  client_secret_sealed: string | null;
  /** JSON array of lower-case mail domains. */
  allowed_email_domains: string;
  auto_provision: number;
  default_role_id: string | null;
  updated_at: number;
};

/** A user's link to an IdP subject: (issuer, subject) is unique, and one subject per user and issuer. */
export type UserIdentitiesTable = {
  id: string;
  user_id: string;
  issuer: string;
  subject: string;
  email: string;
  created_at: number;
  last_login_at: number;
};

/** A web session opened by single sign-on: the sealed ID token its sign-out at the IdP needs. */
export type SsoSessionsTable = {
  session_id: string;
  issuer: string;
  id_token_sealed: string;
  /** The IdP's session id (the ID token's `sid`), which its back-channel logout names. */
  sid: string | null;
  created_at: number;
};

/** A sign-in sent to the IdP and not back yet (10 minutes, single use). */
export type SsoPendingTable = {
  id: string;
  state_hash: string;
  nonce: string;
  code_verifier: string;
  redirect_uri: string;
  browser_binding_hash: string;
  client_redirect_uri: string | null;
  client_code_challenge: string | null;
  client_state: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
};

/** A desktop's one-time code, bound to its PKCE challenge and loopback redirect. */
export type SsoExchangeCodesTable = {
  id: string;
  code_hash: string;
  user_id: string;
  code_challenge: string;
  redirect_uri: string;
  details: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
};

/**
 * A just-in-time grant (migration 0005): requested by user_id, then approved (with expires_at),
 * denied, cancelled by the user, revoked by an approver, or expired. Object, action and scope are
 * common/rbac's names.
 */
export type AccessGrantsTable = {
  id: string;
  user_id: string;
  object: string;
  action: string;
  scope: string;
  reason: string;
  requested_minutes: number;
  status: string;
  requested_at: number;
  decided_by: string | null;
  decided_at: number | null;
  approved_minutes: number | null;
  expires_at: number | null;
  ended_by: string | null;
  ended_at: number | null;
  note: string | null;
};

export type ServerDatabase = {
  users: UsersTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  bootstrap_tokens: BootstrapTokensTable;
  schema_migrations: SchemaMigrationsTable;
  workspace: WorkspaceTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  roles: RolesTable;
  user_roles: UserRolesTable;
  policy_versions: PolicyVersionsTable;
  audit_log: AuditLogTable;
  user_totp: UserTotpTable;
  recovery_codes: RecoveryCodesTable;
  second_factor_challenges: SecondFactorChallengesTable;
  workspace_settings: WorkspaceSettingsTable;
  sso_config: SsoConfigTable;
  user_identities: UserIdentitiesTable;
  sso_sessions: SsoSessionsTable;
  sso_pending: SsoPendingTable;
  sso_exchange_codes: SsoExchangeCodesTable;
  access_grants: AccessGrantsTable;
};
