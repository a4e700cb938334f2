import type { AppState } from '../../common/domain/profile.js';
import type { Result } from '../../common/result.js';
import type { Keychain } from '../platform/keychain/keychain.js';
import { createKeychain } from '../platform/keychain/factory.js';
import { ProfilePolicySource } from '../rbac/policy-source.js';
import { AuditUploader } from '../rbac/audit-uploader.js';
import { PolicyFetcher, policyFetchIntervalFromEnv, type PolicyEndpoint } from '../rbac/policy-fetcher.js';
import { ServerPolicySource, type Clock } from '../rbac/server-policy-source.js';
import { TEAM_SESSION_SECRET } from '../rbac/team-session.js';
import type { Migration } from '../store/migrations/migration.js';
import { createParserPool } from '../sync/mime/parser-pool.js';
import { SyncEngine, type SyncEngineOptions } from '../sync/sync-engine.js';
import type { Logger } from '../util/logger.js';
import { serveControl } from './control/control-server.js';
import { controlSocketPath } from './control/control-socket.js';
import { Dispatcher, type PolicySource } from './api/dispatcher.js';
import { EventBus, type EventListener } from './events/event-bus.js';
import type { Caller, Handlers } from './api/handlers.js';
import { ProfileManager } from './profile/profile-manager.js';
import { accountHandlers } from './services/account-handlers.js';
import { oauthHandlers } from './services/oauth-handlers.js';
import type { OAuthOptions } from '../sync/oauth/options.js';
import { profileHandlers } from './services/profile-handlers.js';
import { policyHandlers } from './services/policy-handlers.js';
import { teamHandlers } from './services/team-handlers.js';
import { teamSsoHandlers } from './services/team-sso-handlers.js';
import { settingsHandlers } from './services/settings-handlers.js';
import { mailHandlers } from './services/mail-handlers.js';
import { messageHandlers } from './services/message-handlers.js';
import { syncHandlers } from './services/sync-handlers.js';
import { searchHandlers } from './services/search-handlers.js';
import { SearchIndexer } from '../search/search-indexer.js';
import { crmHandlers } from './services/crm-handlers.js';
import { blocklistHandlers } from './services/blocklist-handlers.js';
import { dealsHandlers } from './services/deals-handlers.js';
import { notesHandlers } from './services/notes-handlers.js';
import { tasksHandlers } from './services/tasks-handlers.js';
import { timelineHandlers } from './services/timeline-handlers.js';
import { recordHandlers } from './services/record-handlers.js';
import { reportHandlers } from './services/report-handlers.js';
import { mergeHandlers } from './services/merge-handlers.js';
import { csvHandlers } from './services/csv-handlers.js';
import { ContactLinker } from '../crm/contact-linker.js';

export type CoreOptions = {
  dataDir: string;
  log: Logger;
  keychain?: Keychain;
  /** App and browser mode sync in the background; the CLI syncs only when asked. */
  backgroundSync?: boolean;
  /** Tuning for tests and benchmarks (page budget, poll interval, IMAP options). */
  sync?: Pick<SyncEngineOptions, 'budget' | 'pollIntervalMs' | 'imap' | 'wake' | 'governor'>;
  /** Gmail / Microsoft 365 sign-in: client ids and endpoints (over the environment's), identify(), browser opener. */
  oauth?: OAuthOptions;
  /** Tests only: a different migration list. */
  migrations?: readonly Migration[];
  /** Tests only: another policy than the local owner's (or the team server's). */
  policies?: PolicySource;
  /** The team server link (issue 7): the clock the policy expiry is judged by, and fetch for tests. */
  team?: { clock?: Clock; fetch?: typeof globalThis.fetch; random?: () => number; fetchIntervalMs?: number };
};

export { TEAM_SESSION_SECRET } from '../rbac/team-session.js';

/** The service process of one profile, whatever hosts it (Electron utility process, browser mode, CLI). */
export type Core = {
  readonly dataDir: string;
  dispatch(caller: Caller, method: string, input: unknown): Promise<Result<unknown>>;
  /** Events for the UI (common/api/events.ts), each checked against the policy; returns unsubscribe. */
  subscribe(listener: EventListener): () => void;
  close(): Promise<void>;
};

export async function startCore(options: CoreOptions): Promise<Core & { initialState: AppState }> {
  const keychain = options.keychain ?? createKeychain();
  const profiles = new ProfileManager(options.dataDir, keychain, options.log, options.migrations);
  // MIME parsing runs in worker threads so a large or hostile message never stalls the core.
  // Sources reach the pool without their large attachments and with text capped at 256 KB per part,
  // so a small worker heap is plenty, and it keeps garbage from piling up in two workers (the whole
  // process counts against the memory target).
  const parser = createParserPool({ log: options.log, maxMemoryMb: 96 });
  // Not enrolled: the local owner may do everything. Enrolled: the team server's signed policy.
  const serverPolicies = new ServerPolicySource(() => profiles.requireStore().team, options.log, options.team?.clock);
  const policies = options.policies ?? new ProfilePolicySource(profiles, serverPolicies);
  const teamEndpoint = (): PolicyEndpoint | null => {
    const store = profiles.requireStore();
    const enrollment = store.team.enrollment();
    const sessionToken = store.secrets.get(TEAM_SESSION_SECRET);
    return enrollment && sessionToken ? { serverUrl: enrollment.serverUrl, sessionToken } : null;
  };
  // A fixed, shorter fetch interval: a core option, or CLIENTELE_POLICY_FETCH_INTERVAL_MS for tests and demos.
  const fetchIntervalMs = options.team?.fetchIntervalMs ?? policyFetchIntervalFromEnv(process.env);
  const policyFetcher = new PolicyFetcher({
    source: serverPolicies,
    log: options.log,
    endpoint: teamEndpoint,
    ...(fetchIntervalMs === undefined ? {} : { intervalMs: fetchIntervalMs }),
    // events is assigned below, before the fetcher can first run (it starts when the profile opens).
    onUpdated: (version) => events.policyChanged(version),
    ...(options.team?.fetch ? { fetch: options.team.fetch } : {}),
    ...(options.team?.random ? { random: options.team.random } : {}),
  });
  // The audit outbox (refusals, rejected policies...) goes to the server on the same cadence.
  const auditUploader = new AuditUploader({
    team: () => profiles.requireStore().team,
    endpoint: teamEndpoint,
    log: options.log,
    ...(options.team?.fetch ? { fetch: options.team.fetch } : {}),
    ...(options.team?.random ? { random: options.team.random } : {}),
  });
  const events = new EventBus(policies);
  // Search indexing runs beside the sync, in its own small transactions (main/search/search-indexer.ts).
  // While a sync pass runs, the contact linker waits and the indexer slows to a batch a second
  // (engine is assigned below, before either can run).
  const syncing = (): boolean => engine.isSyncing();
  // A search that waits for the backlog (the CLI's first search after a big sync) gets larger batches:
  // about 100 ms in the app's core, which keeps answering its window between them, and 500 ms in a
  // CLI's, which serves the command at hand. The first `clientele search` after syncing 10,000
  // messages took 20-22 s with the background's 25 ms batches, 10-13 s with these.
  const indexer = new SearchIndexer({
    store: () => profiles.requireStore(),
    log: options.log,
    busy: syncing,
    catchUpBudgetMs: options.backgroundSync ? 100 : 500,
  });
  const linker = new ContactLinker(() => profiles.requireStore(), options.log, { busy: syncing });
  profiles.onOpened(() => linker.schedule());
  const engine = new SyncEngine({
    store: () => profiles.requireStore(),
    parser,
    log: options.log,
    // A committed page (or any other change of the account) is the linker's cue: it links what
    // the sync queued, in batches between the sync's own turns of the event loop.
    onChange: (accountId) => {
      events.syncChanged(accountId);
      linker.schedule();
      indexer.nudge();
    },
    ...(options.oauth ? { oauth: options.oauth } : {}),
    ...options.sync,
  });
  if (options.backgroundSync) profiles.onOpened(() => engine.start());
  if (options.backgroundSync) profiles.onOpened(() => indexer.start());
  // The policy is fetched at start and on a jittered interval; a solo profile's fetch is a no-op.
  if (options.backgroundSync) profiles.onOpened(() => policyFetcher.start());
  if (options.backgroundSync) profiles.onOpened(() => auditUploader.start());

  let initialState: AppState;
  try {
    initialState = await profiles.start();
  } catch (error) {
    await parser.close();
    throw error;
  }
  const { closeFlows, ...oauthCalls } = oauthHandlers(profiles, engine, options.log, options.oauth);
  const team = teamHandlers(profiles, serverPolicies, policyFetcher, options.log, options.team?.fetch);
  // Enrollment through the team server's SSO: the same browser opener and wait as Gmail/Microsoft sign-in.
  const { closeFlows: closeSsoFlows, ...teamSso } = teamSsoHandlers(profiles, serverPolicies, options.log, {
    ...(options.oauth?.openBrowser ? { openBrowser: options.oauth.openBrowser } : {}),
    ...(options.oauth?.flowTimeoutMs ? { flowTimeoutMs: options.oauth.flowTimeoutMs } : {}),
    ...(options.team?.fetch ? { fetch: options.team.fetch } : {}),
    onEnrolled: (status) => {
      if (status.policy) events.policyChanged(status.policy.version);
    },
  });
  const handlers: Handlers = {
    ...profileHandlers(profiles),
    ...policyHandlers(policies),
    ...team,
    // Enrolling stores the first policy: tell the UI (every window) as a fetched one does.
    'team.enroll': async (input, context) => {
      const status = await team['team.enroll'](input, context);
      if (status.policy) events.policyChanged(status.policy.version);
      return status;
    },
    ...teamSso,
    ...settingsHandlers(profiles, engine),
    ...accountHandlers(profiles, engine, options.log, options.oauth),
    ...oauthCalls,
    ...syncHandlers(profiles, engine),
    ...mailHandlers(profiles, engine),
    ...messageHandlers(profiles),
    ...searchHandlers(profiles, indexer),
    ...crmHandlers(profiles, linker),
    ...mergeHandlers(profiles, linker),
    ...csvHandlers(profiles, linker),
    ...blocklistHandlers(profiles, engine, linker),
    ...dealsHandlers(profiles),
    ...notesHandlers(profiles),
    ...tasksHandlers(profiles),
    ...timelineHandlers(profiles, policies, linker),
    ...recordHandlers(profiles, linker, policies),
    ...reportHandlers(profiles),
  };
  const dispatcher = new Dispatcher(handlers, policies, options.log, {
    // Refusals of an enrolled profile are queued for the team server's audit log.
    onForbidden: (event) => {
      const team = profiles.requireStore().team;
      if (team.enrollment()) team.enqueueAudit('call.forbidden', event, new Date(serverPolicies.now()));
    },
    // So are exports (data leaving the app) and sensitive views: on the server's record, whoever allowed them.
    onAudited: ({ kind, ...detail }) => {
      const team = profiles.requireStore().team;
      const name = kind === 'export' ? 'call.export' : 'call.sensitive_view';
      if (team.enrollment()) team.enqueueAudit(name, detail, new Date(serverPolicies.now()));
    },
  });
  // The lock is ours: the CLI's calls reach this core while it holds the profile (control-server.ts).
  const control = await startControl(
    profiles.paths.dir,
    (caller, method, input) => dispatcher.dispatch(caller, method, input),
    options.log,
  );
  let closing: Promise<void> | null = null;
  return {
    dataDir: profiles.paths.dir,
    initialState,
    dispatch: (caller, method, input) => dispatcher.dispatch(caller, method, input),
    subscribe: (listener) => events.subscribe(listener),
    close: () =>
      (closing ??= (async () => {
        await control?.close();
        closeFlows();
        closeSsoFlows();
        await policyFetcher.stop();
        // An upload in flight finishes first: it deletes what the server acknowledged from the store.
        await auditUploader.stop();
        await engine.stop();
        await indexer.stop();
        await linker.stop();
        events.close();
        await parser.close();
        profiles.close();
      })()),
  };
}

/** The control socket, or null when it cannot be served (a path too long, a pipe taken): logged, not fatal. */
async function startControl(
  profileDir: string,
  dispatch: Parameters<typeof serveControl>[1],
  log: Logger,
): Promise<{ close(): Promise<void> } | null> {
  const path = controlSocketPath(profileDir);
  if (!path) {
    log.info({ profileDir }, 'profile folder path too long for a control socket: the CLI cannot reach this core');
    return null;
  }
  try {
    return await serveControl(path, dispatch, log);
  } catch (error) {
    log.warn({ err: error }, 'control socket not served: the CLI cannot reach this core');
    return null;
  }
}
