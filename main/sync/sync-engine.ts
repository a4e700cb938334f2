import type { AccountSyncStatus, FolderProgress } from '../../common/domain/mail.js';
import { syncWindowStart } from '../../common/domain/profile.js';
import { AppError } from '../../common/errors.js';
import type { AccountRecord } from '../store/repositories/accounts-repository.js';
import type { StoredFolder } from '../store/repositories/mail-repository.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
export { ImapConfig } from './imap-config.js';
import { AccountRunner, type MessageParser } from './account-runner.js';
import { createDriver, mailboxGovernor } from './driver-factory.js';
import type { ImapDriverOptions } from './drivers/imap/imap-driver.js';
import type { Budget, MailDriver } from './mail-driver.js';
import type { OAuthOptions } from './oauth/options.js';
import { SYNC_PAGE_BUDGET, SYNC_PAGES_IN_FLIGHT } from './page-budget.js';
import type { RateGovernor } from './rate-governor.js';
import { detectWake, type WakeDetectorOptions } from './wake-detector.js';

export type SyncEngineOptions = {
  store: () => Store;
  parser: MessageParser;
  log: Logger;
  budget?: Budget;
  pollIntervalMs?: number;
  imap?: ImapDriverOptions;
  /** How a sleep of the computer is noticed (tests move its clock). */
  wake?: WakeDetectorOptions;
  /** What sync.status shows of this account changed (the core turns it into a sync.changed event). */
  onChange?: (accountId: string) => void;
  /** Gmail / Microsoft 365: client ids and endpoints (tests point them at the fakes). */
  oauth?: OAuthOptions;
  /**
   * Benchmarks only: the rate governor of a new mailbox, e.g. the published limits with their
   * windows scaled down so that minutes of quota pass in seconds (default: mailboxGovernor).
   */
  governor?: (kind: AccountRecord['kind']) => RateGovernor | null;
};

export function passwordSecretName(accountId: string): string {
  return `account:${accountId}:password`;
}

/** One runner per account; the orchestrator the core talks to. */
export class SyncEngine {
  private readonly runners = new Map<string, AccountRunner>();
  /** Per mailbox, for API providers: sync, push polling and attachment downloads share its quota. */
  private readonly governors = new Map<string, RateGovernor>();
  private background = false;
  private wakeDetector: { stop(): void } | null = null;

  constructor(private readonly options: SyncEngineOptions) {}

  /** Background sync of every account (app and browser mode; the CLI uses runOnce). */
  start(): void {
    this.background = true;
    for (const account of this.options.store().accounts.list()) this.runner(account.id).start();
    this.wakeDetector ??= detectWake((sleptMs) => this.systemResumed(sleptMs), this.options.wake);
  }

  /** The computer woke up (a clock jump, or the shell's power events): reconnect and catch up. */
  systemResumed(sleptMs: number | null = null): void {
    if (!this.background) return;
    this.options.log.info({ sleptMs }, 'resumed after sleep: reconnecting and syncing');
    for (const runner of this.runners.values()) void runner.resumed();
  }

  async stop(): Promise<void> {
    this.wakeDetector?.stop();
    this.wakeDetector = null;
    this.background = false;
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    this.runners.clear();
  }

  accountAdded(accountId: string): void {
    this.options.onChange?.(accountId);
    if (this.background) this.runner(accountId).start();
  }

  async accountChanged(accountId: string): Promise<void> {
    // Same mailbox, same quota: what it spent in the current window still counts.
    const governor = this.governors.get(accountId);
    await this.accountRemoved(accountId);
    if (governor) this.governors.set(accountId, governor);
    const health = this.options.store().syncHealth.get(accountId);
    this.options.store().syncHealth.set(accountId, { ...health, state: 'idle', lastError: null, retryAt: null });
    this.accountAdded(accountId);
  }

  /** Some account is in a sync pass (background work such as linking and indexing waits for it). */
  isSyncing(): boolean {
    for (const runner of this.runners.values()) if (runner.state === 'syncing') return true;
    return false;
  }

  /** A folder was turned off: nothing to do but tell the UI. */
  folderDisabled(accountId: string): void {
    this.options.onChange?.(accountId);
  }

  /** A folder was turned on: a background sync takes it in now (a pass after the current one), not at the next poll. */
  folderEnabled(accountId: string): void {
    this.options.onChange?.(accountId);
    if (this.background) this.runners.get(accountId)?.request();
  }

  /**
   * A sender was blocked or unblocked: the mail list changed, and a background sync fetches what an
   * unblock released now rather than at the next poll (the CLI's `sync --once` does it too).
   */
  blocklistChanged(): void {
    this.resyncAll();
  }

  /**
   * The sync window changed (Settings: backfill months): a background sync fills in the older mail a
   * wider window takes in now, not at the next poll, and the Sync page shows the new window at once.
   */
  syncWindowChanged(): void {
    this.resyncAll();
  }

  /** Tells the UI every account changed and, in the background, runs a pass of each. */
  private resyncAll(): void {
    for (const account of this.options.store().accounts.list()) {
      this.options.onChange?.(account.id);
      if (this.background) this.runner(account.id).request();
    }
  }

  async accountRemoved(accountId: string): Promise<void> {
    await this.runners.get(accountId)?.stop();
    this.runners.delete(accountId);
    this.governors.delete(accountId);
    this.options.onChange?.(accountId);
  }

  /** Syncs now: one account or all; `wait` resolves after the pass. */
  async run(accountId: string | undefined, wait: boolean): Promise<void> {
    const accounts = this.options
      .store()
      .accounts.list()
      .filter((account) => !accountId || account.id === accountId);
    if (accountId && accounts.length === 0) throw new AppError('NOT_FOUND', `No account ${accountId}.`);
    if (!wait) {
      for (const account of accounts) this.runner(account.id).request();
      return;
    }
    const results = await Promise.allSettled(accounts.map((account) => this.runner(account.id).syncOnce()));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  status(): AccountSyncStatus[] {
    const store = this.options.store();
    const since = this.windowStart()?.toISOString() ?? null;
    return store.accounts.list().map((account) => {
      const health = store.syncHealth.get(account.id);
      const runner = this.runners.get(account.id);
      const folders = store.mail.folders(account.id).map((folder) => folderProgress(store, folder));
      const left = folders.reduce((sum, folder) => sum + Math.max(0, folder.total - folder.done), 0);
      const rate = runner?.state === 'syncing' ? (runner.progress?.rate ?? null) : null;
      return {
        accountId: account.id,
        kind: account.kind,
        email: account.email,
        // Only this process syncs this profile (the profile lock): with no runner here, a stored
        // 'syncing' or 'watching' is left over from a process that ended, not a live state.
        state: runner?.state ?? (health.state === 'syncing' || health.state === 'watching' ? 'idle' : health.state),
        lastSuccessAt: health.lastSuccessAt,
        lastError: health.lastError,
        retryAt: health.retryAt,
        rate,
        etaSeconds: rate && rate > 0 ? Math.round(left / rate) : null,
        folders,
        messages: store.mail.accountMessageCount(account.id),
        since,
      };
    });
  }

  /** Where the sync window starts now (Settings: backfill months); null for the whole mailbox. */
  private windowStart(): Date | null {
    return syncWindowStart(this.options.store().settings.read().backfillMonths, new Date());
  }

  private runner(accountId: string): AccountRunner {
    let runner = this.runners.get(accountId);
    if (!runner) {
      runner = new AccountRunner(
        accountId,
        this.options.store,
        () => this.createDriver(accountId),
        this.options.parser,
        this.options.log,
        {
          // Page size and pipeline depth: see page-budget.ts.
          budget: this.options.budget ?? SYNC_PAGE_BUDGET,
          pagesInFlight: SYNC_PAGES_IN_FLIGHT,
          pagesPerVisit: 8,
          pollIntervalMs: this.options.pollIntervalMs ?? 120_000,
          onChange: () => this.options.onChange?.(accountId),
          scope: () => ({ since: this.windowStart() }),
        },
      );
      this.runners.set(accountId, runner);
    }
    return runner;
  }

  /**
   * A driver of its own for the account (its runner's connections stay with the sync), spending
   * from the mailbox's one rate governor for API providers.
   */
  createDriver(accountId: string): MailDriver {
    const store = this.options.store();
    const account = store.accounts.get(accountId);
    if (!account) throw new AppError('NOT_FOUND', `No account ${accountId}.`);
    return createDriver(
      account,
      {
        secrets: store.secrets,
        passwordSecret: passwordSecretName(accountId),
        governor: () => this.governorFor(account),
      },
      this.options,
    );
  }

  private governorFor(account: AccountRecord): RateGovernor {
    let governor = this.governors.get(account.id);
    if (!governor) {
      governor = (this.options.governor ?? mailboxGovernor)(account.kind) ?? undefined;
      if (!governor) throw new AppError('INTERNAL', `No rate limits are defined for ${account.kind} accounts.`);
      this.governors.set(account.id, governor);
    }
    return governor;
  }
}

/** What the Sync page and the CLI show of one folder. */
export function folderProgress(store: Store, folder: StoredFolder): FolderProgress {
  return {
    path: folder.path,
    role: folder.role,
    syncEnabled: folder.syncEnabled,
    done: store.mail.folderMessageCount(folder.id),
    total: folder.remoteTotal,
    backfillComplete: folder.backfillComplete,
    lastSyncedAt: folder.lastSyncedAt,
  };
}

/** The driver of an account with this password (account set-up checks a login before saving). */
export function createDriverFor(
  account: AccountRecord,
  password: string,
  options: Pick<SyncEngineOptions, 'log' | 'imap' | 'oauth'>,
): MailDriver {
  const secrets = { get: () => password, put: () => undefined };
  const governor = mailboxGovernor(account.kind);
  return createDriver(
    account,
    {
      secrets,
      passwordSecret: 'password',
      governor: () => {
        if (!governor) throw new AppError('INTERNAL', `No rate limits are defined for ${account.kind} accounts.`);
        return governor;
      },
    },
    options,
  );
}
