import type { Kysely } from 'kysely';
import { LoginThrottle } from './auth/login-throttle.js';
import { makeDummyHash } from './auth/passwords.js';
import { SessionStore } from './auth/sessions.js';
import type { Clock } from './clock.js';
import { CallerReader } from './auth/caller-query.js';
import { CallerStore } from './auth/callers.js';
import type { DatabaseKind, RawDatabase } from './db/database.js';
import type { ServerDatabase } from './db/schema.js';
import type { ServerSecrets } from './secrets/server-secrets.js';
import { WorkspaceSettingsStore } from './settings/workspace-settings.js';
import { OidcClients } from './sso/oidc-client.js';

/** What every route needs. No state of its own beyond the database: instances stay interchangeable. */
export type ServerContext = {
  db: Kysely<ServerDatabase>;
  kind: DatabaseKind;
  clock: Clock;
  throttle: LoginThrottle;
  sessions: SessionStore;
  /** The caller of a request (session, user, 2FA, rights) from one read: the access hook uses it. */
  callers: CallerStore;
  dummyHash: string;
  /** require2fa and the IP allowlist, read through a short cache. */
  settings: WorkspaceSettingsStore;
  /**
   * Seals secrets kept in the database with the server secret key:
   * `secrets.seal(plaintext, place)` before writing, `secrets.open(sealed, place)` (a Result) after
   * reading; place = placeOf(<column in server/secrets/sealed-columns.ts>, rowId).
   */
  secrets: ServerSecrets;
  /** Single sign-on: the IdP's discovered metadata, cached a few minutes (any instance can rediscover). */
  oidc: OidcClients;
};

export async function makeServerContext(
  db: Kysely<ServerDatabase>,
  kind: DatabaseKind,
  clock: Clock,
  secrets: ServerSecrets,
  /** The driver under `db` (OpenDatabase.raw): the caller read then skips Kysely's query builder. */
  raw?: RawDatabase,
): Promise<ServerContext> {
  const sessions = new SessionStore(db);
  const settings = new WorkspaceSettingsStore(db, clock);
  const callers = new CallerStore({
    db,
    reader: new CallerReader(db, kind, raw),
    sessions,
    offlineGraceHours: () => {
      const cached = settings.peek();
      return cached ? cached.offlineGraceHours : settings.get().then((read) => read.offlineGraceHours);
    },
  });
  return {
    db,
    kind,
    clock,
    throttle: new LoginThrottle(db, kind),
    sessions,
    callers,
    dummyHash: await makeDummyHash(),
    settings,
    secrets,
    oidc: new OidcClients(clock),
  };
}
