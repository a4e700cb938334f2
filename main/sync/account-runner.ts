import type { SyncState } from '../../common/domain/mail.js';
import { AppError, isAppError } from '../../common/errors.js';
import type { Store } from '../store/store.js';
import type { StoredFolder } from '../store/repositories/mail-repository.js';
import type { Logger } from '../util/logger.js';
import { backoffDelay } from './backoff.js';
import { syncedByDefault } from './drivers/imap/folder-roles.js';
import type {
  Budget,
  Disposable,
  FolderChanges,
  FolderRole,
  MailDriver,
  RemoteFolder,
  SyncScope,
} from './mail-driver.js';
import type { IdentifiedMessage } from './mime/parsed-message.js';
import { restoreUnblocked } from './restore-unblocked.js';
import { toIncoming } from './to-incoming.js';

/** Parses a message and computes its identity (the parser pool, which does both in a worker). */
export type MessageParser = {
  parseIdentified(source: Buffer): Promise<IdentifiedMessage>;
  /** Gets ready to parse (the pool starts a worker): called when push begins. */
  warm?(): void;
};

export type RunnerOptions = {
  budget: Budget;
  /**
   * Pages held at once: fetched or being fetched, not yet committed (2 or more). Each holds up to
   * budget.maxBytes of sources, then their parse.
   */
  pagesInFlight: number;
  /**
   * Pages fetched from a folder in a row before the rotation moves on (after the first round, which
   * takes one page of each). Consecutive pages of one folder can share one IMAP selection, and a
   * SELECT per page cost the server as much as the rest of the sync (bench/results/imap-sync.md).
   */
  pagesPerVisit: number;
  /** How often every folder is checked, on top of push. */
  pollIntervalMs: number;
  /** Called when what sync.status shows of this account changed (state, progress, health). */
  onChange?: () => void;
  scope: () => SyncScope;
};

type Fetching = { folder: StoredFolder; page: Promise<FolderChanges | null> };

export type RunProgress = { startedAt: number; messages: number; rate: number | null };

/** Folders first in this order: the newest mail people look at comes in first. */
const ROLE_ORDER: FolderRole[] = ['inbox', 'sent', 'flagged', 'other', 'drafts', 'archive', 'all', 'junk', 'trash'];

/**
 * Syncs one account: passes over its folders, round-robin (one page of each first, so every
 * folder's newest mail lands early, then a few pages of a folder at a time), then push (IDLE) and
 * polling. It owns retries and health; the driver only speaks the protocol.
 */
export class AccountRunner {
  private stateValue: SyncState = 'idle';
  progress: RunProgress | null = null;
  private driver: MailDriver | null = null;
  private watcher: Disposable | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private pendingFull = false;
  private readonly pendingFolders = new Set<string>();
  private stopped = true;
  /** Set by stop(): a running pass ends after its current page (already committed). */
  private aborted = false;
  private failures = 0;

  constructor(
    readonly accountId: string,
    private readonly store: () => Store,
    private readonly createDriver: () => MailDriver,
    private readonly parser: MessageParser,
    private readonly log: Logger,
    private readonly options: RunnerOptions,
  ) {}

  get state(): SyncState {
    return this.stateValue;
  }

  /** Every change of state is announced (the UI refreshes the account's sync status). */
  set state(value: SyncState) {
    if (value === this.stateValue) return;
    this.stateValue = value;
    this.options.onChange?.();
  }

  /** Background mode: a pass now, then push and polling until stop(). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.aborted = false;
    this.request();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.aborted = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
    await this.watcher?.dispose().catch(() => undefined);
    this.watcher = null;
    await this.driver?.close().catch(() => undefined);
    this.driver = null;
  }

  /**
   * The computer woke from sleep: connections may be dead without knowing it. The push connection
   * is dropped (the next successful pass opens a new one), the sync connection too when no pass
   * holds it, and a full pass catches up on what was missed.
   */
  async resumed(): Promise<void> {
    if (this.stopped) return;
    const watcher = this.watcher;
    this.watcher = null;
    // Between passes the sync connection is dropped too (a pass in progress keeps its own): taken
    // away before any await, so a pass starting meanwhile opens a fresh one.
    const driver = this.running ? null : this.driver;
    if (driver) this.driver = null;
    await Promise.all([
      watcher?.dispose().catch(() => undefined) ?? Promise.resolve(),
      driver?.close().catch(() => undefined) ?? Promise.resolve(),
    ]);
    this.request();
  }

  /** One complete pass (the CLI's `sync --once`); resolves when every folder is up to date. */
  async syncOnce(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.pass(null);
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  /**
   * Asks for a pass: of every folder, or (push) of just the folder that changed, which skips
   * LIST and the other folders so new mail lands sooner. Requests made while a pass runs
   * coalesce into one more pass.
   */
  request(folderPath?: string): void {
    if (folderPath === undefined) this.pendingFull = true;
    else this.pendingFolders.add(folderPath);
    this.launch();
  }

  private launch(): void {
    if (this.running || (!this.pendingFull && this.pendingFolders.size === 0)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const only = this.pendingFull ? null : new Set(this.pendingFolders);
    this.pendingFull = false;
    this.pendingFolders.clear();
    this.running = this.pass(only)
      .then(() => this.afterSuccess())
      .catch((error: unknown) => this.afterFailure(error))
      .finally(() => {
        this.running = null;
        if (!this.stopped) this.launch();
      });
  }

  private async afterSuccess(): Promise<void> {
    this.failures = 0;
    if (this.stopped) return;
    if (!this.watcher && this.driver?.watch) {
      const folders = this.store()
        .mail.folders(this.accountId)
        .filter((folder) => folder.syncEnabled);
      this.watcher = await this.driver.watch(folders.map(toRemote), (path) => this.request(path));
      // A pass over a synced profile parses nothing, and the pool starts workers on demand: without
      // this the first pushed message of the session waited for a worker to load (0.1-0.7 s).
      this.parser.warm?.();
    }
    this.state = this.watcher ? 'watching' : 'idle';
    this.schedule(this.options.pollIntervalMs);
  }

  private afterFailure(error: unknown): void {
    if (this.stopped) return;
    const failure = isAppError(error) ? error : new AppError('TEMPORARY', String(error));
    // Credentials and certificates do not fix themselves: retry slowly; the rest backs off.
    const delay =
      failure.code === 'RATE_LIMIT'
        ? (failure.retryAfterMs ?? 60_000)
        : failure.code === 'AUTH' || failure.code === 'PERMISSION'
          ? 15 * 60_000
          : backoffDelay(this.failures++);
    this.schedule(delay, failure);
  }

  private schedule(delayMs: number, failure?: AppError): void {
    if (this.stopped) return;
    if (failure) {
      const health = this.store().syncHealth.get(this.accountId);
      this.store().syncHealth.set(this.accountId, { ...health, retryAt: new Date(Date.now() + delayMs).toISOString() });
    }
    this.timer = setTimeout(() => this.request(), delayMs);
  }

  /** A pass over every synced folder (only = null) or over the named ones. */
  private async pass(only: ReadonlySet<string> | null): Promise<void> {
    const store = this.store();
    this.state = 'syncing';
    this.progress = { startedAt: Date.now(), messages: 0, rate: null };
    // A push pass (only some folders) does not store 'syncing': nothing reads it back (sync.status
    // shows the runner's own state, and a stored 'syncing' only ever as 'idle'), lastError and
    // retryAt stay as they are either way, and on the rollback journal (synchronous=FULL) that
    // commit cost 6-30 ms of fsyncs on a busy disk (more under load) before pushed mail was fetched.
    if (!only) this.setHealth({ state: 'syncing' });
    try {
      const driver = (this.driver ??= this.createDriver());
      const folders = only
        ? store.mail.folders(this.accountId).filter((folder) => only.has(folder.path))
        : store.mail.upsertFolders(this.accountId, await driver.listFolders(), (role) =>
            syncedByDefault(role as FolderRole),
          );
      const rotation = folders.filter((folder) => folder.syncEnabled).sort(byRole);
      const scope = this.options.scope();
      const ownAddresses = new Set([store.accounts.get(this.accountId)?.email.toLowerCase() ?? '']);
      await this.pipeline(driver, rotation, scope, ownAddresses);
      const restored = await restoreUnblocked(store, driver, this.parser, this.accountId, {
        ownAddresses,
        batchSize: this.options.budget.maxMessages,
        aborted: () => this.aborted,
        log: this.log,
      });
      // Restored mail is new to the linker and the indexer, as a committed page is.
      if (restored > 0) this.options.onChange?.();
      const everyFolderDone = store.mail
        .folders(this.accountId)
        .every((folder) => !folder.syncEnabled || folder.backfillComplete);
      if (!only && everyFolderDone) {
        store.mail.collectOrphans(this.accountId);
      }
      // The pass is over (a background runner then moves on to 'watching' in afterSuccess).
      this.state = 'idle';
      this.setHealth({ state: 'idle', lastSuccessAt: new Date().toISOString(), lastError: null, retryAt: null });
    } catch (error) {
      const failure = isAppError(error) ? error : new AppError('INTERNAL', String(error), { cause: error });
      this.log.warn({ accountId: this.accountId, code: failure.code, details: failure.details }, 'sync pass failed');
      await this.driver?.close().catch(() => undefined);
      this.driver = null;
      await this.watcher?.dispose().catch(() => undefined);
      this.watcher = null;
      this.state = failure.code === 'RATE_LIMIT' ? 'throttled' : failure.code === 'TEMPORARY' ? 'offline' : 'error';
      this.setHealth({
        state: this.state,
        lastError: { code: failure.code, message: failure.message, at: new Date().toISOString() },
      });
      throw failure;
    }
  }

  /**
   * Round-robin over the folders, one page of each in the first round, then visits of up to
   * options.pagesPerVisit pages, until none has more, as a pipeline: while page k
   * is committed (main thread), the pages after it are parsed (worker threads) and the next one is
   * fetched (network), up to options.pagesInFlight pages held at once. A fetch starts as soon as
   * the previous one ends and there is room: a fetch waiting for a commit left the network and
   * then the parser idle. Commits stay in fetch order. The in-memory cursor moves on at fetch time;
   * the stored one only with its page, so a crash anywhere refetches what was not committed and
   * nothing is lost or doubled.
   */
  private async pipeline(
    driver: MailDriver,
    rotation: StoredFolder[],
    scope: SyncScope,
    ownAddresses: ReadonlySet<string>,
  ): Promise<void> {
    let index = 0;
    /** Folders that had their first page in this pass (the first round is one page each). */
    const started = new Set<StoredFolder>();
    let visitPages = 0;
    const fetchNext = (): Fetching | null => {
      if (rotation.length === 0 || this.aborted) return null;
      const folder = rotation[index % rotation.length]!;
      const fetching = { folder, page: this.fetchPage(driver, folder, scope) };
      fetching.page.catch(() => undefined); // awaited below; never an unhandled rejection
      return fetching;
    };
    let committing: Promise<void> = Promise.resolve();
    /** Commits of the fetched pages, oldest first, until they are known to be done. */
    const uncommitted: Promise<void>[] = [];
    const held = Math.max(2, this.options.pagesInFlight);
    let current = fetchNext();
    try {
      while (current) {
        const { folder } = current;
        const page = await current.page;
        const position = rotation.indexOf(folder);
        visitPages += 1;
        const firstPage = !started.has(folder);
        started.add(folder);
        if (page === null || !page.more) {
          rotation.splice(position, 1);
          index = position;
          visitPages = 0;
        } else {
          folder.cursor = page.nextCursor;
          const visitOver = firstPage || visitPages >= this.options.pagesPerVisit;
          index = visitOver ? position + 1 : position;
          if (visitOver) visitPages = 0;
        }
        if (page) {
          // The pool takes ownership of each source buffer (moved to a worker): nothing reads it after.
          const parsed = Promise.all(page.upserts.map((message) => this.parser.parseIdentified(message.source)));
          const previous = committing;
          committing = (async () => {
            const messages = await parsed;
            await previous;
            this.commitPage(folder, page, messages, ownAddresses);
          })();
          committing.catch(() => undefined);
          uncommitted.push(committing);
        }
        // The next fetch holds one more page: wait for the oldest commits until there is room.
        while (uncommitted.length >= held) await uncommitted.shift();
        current = fetchNext();
      }
      await committing;
    } finally {
      await committing.catch(() => undefined);
      await current?.page.catch(() => undefined);
    }
  }

  /**
   * One page of changes; null when the folder vanished on the server or was turned off (skipped,
   * others go on).
   */
  private async fetchPage(driver: MailDriver, folder: StoredFolder, scope: SyncScope): Promise<FolderChanges | null> {
    const store = this.store();
    // Turned off since the pass began (sync.setFolderEnabled): no more of its pages in this pass.
    if (!store.mail.isFolderSyncEnabled(folder.id)) return null;
    try {
      return await driver.fetchChanges(toRemote(folder), folder.cursor, scope, this.options.budget, () =>
        store.mail.remoteIds(folder.id),
      );
    } catch (error) {
      if (isAppError(error) && error.code === 'NOT_FOUND') {
        this.log.info({ accountId: this.accountId, folder: folder.path }, 'folder vanished; skipped');
        return null;
      }
      throw error;
    }
  }

  /** Commits a parsed page with its cursor in one transaction. */
  private commitPage(
    folder: StoredFolder,
    page: FolderChanges,
    parsed: IdentifiedMessage[],
    ownAddresses: ReadonlySet<string>,
  ): void {
    const context = { folderRole: folder.role, ownAddresses };
    this.store().mail.applyPage({
      accountId: this.accountId,
      folderId: folder.id,
      reset: page.reset,
      upserts: page.upserts.map((message, index) => {
        const { parsed: fields, identity } = parsed[index]!;
        return toIncoming(message, fields, context, identity);
      }),
      deletes: page.deletes,
      flagChanges: page.flagChanges,
      cursor: page.nextCursor,
      remoteTotal: page.remoteTotal,
      backfillComplete: page.backfillComplete,
      syncedAt: new Date().toISOString(),
    });
    folder.backfillComplete = page.backfillComplete;
    if (this.progress) {
      this.progress.messages += page.upserts.length;
      const seconds = (Date.now() - this.progress.startedAt) / 1000;
      this.progress.rate = seconds > 0 ? this.progress.messages / seconds : null;
    }
    this.options.onChange?.();
  }

  private setHealth(patch: Partial<ReturnType<Store['syncHealth']['get']>>): void {
    const store = this.store();
    store.syncHealth.set(this.accountId, { ...store.syncHealth.get(this.accountId), ...patch });
    this.options.onChange?.();
  }
}

function toRemote(folder: StoredFolder): RemoteFolder {
  return { path: folder.path, name: folder.name, role: folder.role as FolderRole };
}

function byRole(a: StoredFolder, b: StoredFolder): number {
  return ROLE_ORDER.indexOf(a.role as FolderRole) - ROLE_ORDER.indexOf(b.role as FolderRole);
}
