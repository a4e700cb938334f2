import type { OAuth2Client } from 'google-auth-library';
import { gmail, type gmail_v1 } from 'googleapis/build/src/apis/gmail/index.js';
import { AppError } from '../../../../common/errors.js';
import type { Logger } from '../../../util/logger.js';
import type {
  Budget,
  Disposable,
  FlagChange,
  FolderChanges,
  MailDriver,
  RemoteFolder,
  RemoteMessage,
  SyncScope,
} from '../../mail-driver.js';
import type { AccessTokenSource } from '../../oauth/access-token.js';
import { RateGovernor } from '../../rate-governor.js';
import { TokenSourceAuth } from './gmail-auth.js';
import { buildBatchBody, MAX_BATCH, newBoundary, parseBatchResponse, type BatchAnswer } from './gmail-batch.js';
import {
  parseGmailCursor,
  serializeGmailCursor,
  startCursor,
  narrowedCursor,
  widenedCursor,
  type GmailCursor,
} from './gmail-cursor.js';
import {
  failureOf,
  failureOfAnswer,
  isRetryable,
  mapGmailError,
  toAppError,
  type HttpFailure,
} from './gmail-errors.js';
import { flagsOf, labelsToFolders } from './gmail-labels.js';
import { numberedLeaves, rebuildSource, textPartsToFetch, type GmailPart } from './gmail-payload.js';

/** Quota units per method (https://developers.google.com/gmail/api/reference/quota). */
export const GMAIL_COSTS = {
  getProfile: 1,
  labelsList: 1,
  messagesList: 5,
  messagesGet: 5,
  attachmentsGet: 5,
  historyList: 2,
} as const;

/** Per-user limit: 15,000 quota units per user per minute (same page). */
export const GMAIL_USER_UNITS_PER_MINUTE = 15_000;

/**
 * A governor for one Gmail mailbox. Its window is a little longer than Google's minute: a call is
 * admitted here a few milliseconds before Google counts it, so a window exactly as long could let
 * the calls at both of its edges land in one of Google's.
 */
export function gmailGovernor(): RateGovernor {
  return new RateGovernor({ units: GMAIL_USER_UNITS_PER_MINUTE, windowMs: 61_000, maxConcurrent: 4 });
}

export type GmailDriverOptions = {
  tokens: AccessTokenSource;
  /** The API root (default https://gmail.googleapis.com/); tests point it at the fake. */
  rootUrl?: string;
  log: Logger;
  /** Shared by everything that calls Gmail for this mailbox (default: a new gmailGovernor()). */
  governor?: RateGovernor;
  /** Bytes kept of each text part of a message rebuilt from format=full (and of a raw source). */
  sourceMaxBytes?: number;
  /** A Retry-After longer than this is not waited out in the call: it fails with RATE_LIMIT/TEMPORARY + retryAfterMs. */
  maxInlineWaitMs?: number;
  /** Retries of one call (or batch) after 429/5xx/network failures before giving up. */
  maxRetries?: number;
  /** watch(): how often the mailbox's historyId is polled (jittered by up to 20%). */
  pollIntervalMs?: number;
};

const DEFAULT_ROOT = 'https://gmail.googleapis.com/';
const SOURCE_MAX_BYTES = 256 * 1024;
const USER = 'me';

type Format = 'raw' | 'full';
type Message = gmail_v1.Schema$Message;
type Change = { kind: 'upsert' | 'flags' | 'delete'; labelIds: string[] };

/**
 * MailDriver over the Gmail REST API, on the googleapis client. Labels are folders (INBOX, SENT,
 * DRAFT, SPAM, TRASH and user labels); the cursor of each is JSON (gmail-cursor.ts): a full sync
 * newest first through messages.list, then history.list from the historyId captured before it.
 * Message ids are Gmail's (stable: a message keeps its id whatever its labels). Every call goes
 * through the mailbox's RateGovernor at its quota cost; 429/503 pause it for Retry-After.
 */
export class GmailDriver implements MailDriver {
  private readonly api: gmail_v1.Gmail;
  private readonly auth: TokenSourceAuth;
  private readonly governor: RateGovernor;
  private readonly rootUrl: string;
  private readonly log: Logger;
  private readonly tokens: AccessTokenSource;
  private readonly sourceMaxBytes: number;
  private readonly maxInlineWaitMs: number;
  private readonly maxRetries: number;
  private readonly pollIntervalMs: number;
  private readonly watchers = new Set<Disposable>();

  constructor(options: GmailDriverOptions) {
    this.tokens = options.tokens;
    this.rootUrl = (options.rootUrl ?? DEFAULT_ROOT).replace(/\/?$/, '/');
    this.log = options.log.child({ driver: 'gmail' });
    this.governor = options.governor ?? gmailGovernor();
    this.sourceMaxBytes = options.sourceMaxBytes ?? SOURCE_MAX_BYTES;
    this.maxInlineWaitMs = options.maxInlineWaitMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 8;
    this.pollIntervalMs = options.pollIntervalMs ?? 60_000;
    this.auth = new TokenSourceAuth(this.tokens);
    // googleapis-common calls `auth.request()` on any auth object; its types name only Google's
    // own clients, hence the cast. retry: false: retries and Retry-After are handled in call().
    this.api = gmail({
      version: 'v1',
      auth: this.auth as unknown as OAuth2Client,
      rootUrl: this.rootUrl,
      retry: false,
    });
  }

  /** The account's address (users.getProfile), proving the token works. */
  async verify(): Promise<string> {
    const profile = await this.call(GMAIL_COSTS.getProfile, () => this.api.users.getProfile({ userId: USER }));
    return profile.emailAddress ?? '';
  }

  async listFolders(): Promise<RemoteFolder[]> {
    const answer = await this.call(GMAIL_COSTS.labelsList, () => this.api.users.labels.list({ userId: USER }));
    return labelsToFolders(answer.labels ?? []);
  }

  async fetchChanges(
    folder: RemoteFolder,
    cursorText: string | null,
    scope: SyncScope,
    budget: Budget,
    knownRemoteIds: () => string[],
  ): Promise<FolderChanges> {
    const label = folder.path;
    const parsed = parseGmailCursor(cursorText, label);
    let cursor = parsed && narrowedCursor(widenedCursor(parsed, scope.since), scope.since);
    // A cursor this driver cannot read is treated like an expired one: start over, dropping locations.
    let reset = cursorText !== null && cursor === null;
    if (cursor?.phase === 'incremental') {
      const step = await this.incremental(cursor, budget, knownRemoteIds);
      // History first; then, once it is caught up, a page of the older mail a widened window takes in.
      if (step?.next.older && !step.changes.more) {
        return this.withOlderPage(step.next, step.next.older, step.changes, budget, knownRemoteIds);
      }
      if (step) return step.changes;
      // https://developers.google.com/gmail/api/guides/sync#partial_synchronization: history.list
      // answered 404 (startHistoryId too old): a full sync of the label, its old locations dropped.
      // Messages keep their ids and are matched again by identity: nothing is duplicated.
      this.log.info({ label }, 'gmail history expired; full sync of the label');
      reset = true;
      cursor = null;
    }
    cursor ??= startCursor(label, await this.mailboxHistoryId(), scope.since);
    return this.fullPage(cursor, budget, reset, knownRemoteIds);
  }

  async watch(folders: RemoteFolder[], onChange: (folderPath: string) => void): Promise<Disposable> {
    // Gmail's push (users.watch + Cloud Pub/Sub) needs a Pub/Sub topic and a public push
    // endpoint or a pull subscriber with project credentials: not wired in a desktop app. The
    // mailbox's historyId is polled instead (users.getProfile, 1 unit), with jitter.
    let last: string | null = null;
    let timer: NodeJS.Timeout | null = null;
    let stopped = false;
    const schedule = (): void => {
      if (stopped) return;
      const delay = this.pollIntervalMs * (0.8 + Math.random() * 0.4);
      timer = setTimeout(() => void poll(), delay);
    };
    const poll = async (): Promise<void> => {
      try {
        const now = await this.mailboxHistoryId();
        if (last !== null && now !== last && !stopped) for (const folder of folders) onChange(folder.path);
        last = now;
      } catch (error) {
        this.log.debug({ err: mapGmailError(error) }, 'gmail poll failed');
      }
      schedule();
    };
    last = await this.mailboxHistoryId().catch(() => null);
    schedule();
    const disposable: Disposable = {
      dispose: async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        this.watchers.delete(disposable);
      },
    };
    this.watchers.add(disposable);
    return disposable;
  }

  async fetchPart(
    _folderPath: string,
    _cursor: string | null,
    remoteId: string,
    partId: string,
    maxBytes: number,
  ): Promise<Buffer> {
    const message = await this.call(GMAIL_COSTS.messagesGet, () =>
      this.api.users.messages.get({ userId: USER, id: remoteId, format: 'full' }),
    ).catch((error: unknown) => {
      const mapped = mapGmailError(error);
      if (mapped.code === 'NOT_FOUND') throw new AppError('NOT_FOUND', 'The message is no longer in Gmail.');
      throw mapped;
    });
    const leaves = message.payload ? numberedLeaves(message.payload) : [];
    // Part numbers as the store records them (IMAP numbering); Gmail's own partId also accepted.
    const leaf =
      leaves.find((candidate) => candidate.imapPart === partId) ?? leaves.find((l) => l.part.partId === partId);
    if (!leaf) throw new AppError('NOT_FOUND', `The message has no part ${partId}.`);
    const tooLarge = (): AppError =>
      new AppError('TOO_LARGE', `The attachment is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`);
    if ((leaf.part.body?.size ?? 0) > maxBytes) throw tooLarge();
    const content = await this.partContent(remoteId, leaf.part);
    if (content.length > maxBytes) throw tooLarge();
    return content;
  }

  /** messages.get of each id (Gmail ids are stable: no cursor to check); a 404 is `gone`. */
  async fetchMessages(
    _folderPath: string,
    _cursor: string | null,
    remoteIds: readonly string[],
  ): Promise<{ messages: RemoteMessage[]; gone: string[] }> {
    return this.fetchByIds(remoteIds);
  }

  async close(): Promise<void> {
    await Promise.all([...this.watchers].map((watcher) => watcher.dispose()));
  }

  // ---- sync ----

  /** One messages.list page of the full sync, its messages fetched. */
  private async fullPage(
    cursor: GmailCursor,
    budget: Budget,
    reset: boolean,
    knownRemoteIds: () => string[],
  ): Promise<FolderChanges> {
    let list: gmail_v1.Schema$ListMessagesResponse;
    try {
      list = await this.listPage(cursor, budget);
    } catch (error) {
      // A page token the server no longer takes (400): list again from the newest. Upserts are by
      // id, so the pages already stored come again at worst, never twice.
      const status = error instanceof AppError ? (error.details as { status?: unknown } | undefined)?.status : null;
      if (status !== 400 || cursor.pageToken === null) throw error;
      this.log.info({ label: cursor.label }, 'gmail page token refused; listing the label again');
      return this.fullPage({ ...cursor, pageToken: null, relisting: true }, budget, reset, knownRemoteIds);
    }
    const ids = (list.messages ?? []).map((message) => message.id).filter((id): id is string => Boolean(id));
    // Listed again from the newest: what is stored is not fetched twice (a first listing asks for
    // no stored ids: there are none but a crash's last page, which comes again by id at worst).
    const known = cursor.relisting && !reset ? new Set(knownRemoteIds()) : null;
    const { messages } = await this.fetchByIds(known ? ids.filter((id) => !known.has(id)) : ids);
    const nextPageToken = list.nextPageToken ?? null;
    const remoteTotal =
      cursor.pageToken === null ? (list.resultSizeEstimate ?? ids.length) : Math.max(cursor.remoteTotal, 0);
    const next: GmailCursor = nextPageToken
      ? { ...cursor, pageToken: nextPageToken, remoteTotal }
      : { ...cursor, phase: 'incremental', pageToken: null, remoteTotal, relisting: undefined };
    const olderLeft = Boolean(cursor.older);
    return {
      reset,
      upserts: messages,
      deletes: [],
      flagChanges: [],
      nextCursor: serializeGmailCursor(next),
      more: nextPageToken !== null || olderLeft,
      remoteTotal,
      backfillComplete: nextPageToken === null && !olderLeft,
    };
  }

  /**
   * `changes` (history, caught up) with one page of the older mail added: listed newest first
   * between the widened window's start and where the first listing began, messages already stored
   * skipped (a listing started again after a second widening meets them). The last page moves the
   * cursor's `after` down to the new start.
   */
  private async withOlderPage(
    cursor: GmailCursor,
    older: NonNullable<GmailCursor['older']>,
    changes: FolderChanges,
    budget: Budget,
    knownRemoteIds: () => string[],
  ): Promise<FolderChanges> {
    const list = await this.call(GMAIL_COSTS.messagesList, () =>
      this.api.users.messages.list({
        userId: USER,
        labelIds: [cursor.label],
        // One second of overlap with the first listing: a message at its very bound is listed by
        // both rather than by neither (the stored one is skipped below).
        q: `${older.after !== null ? `after:${older.after} ` : ''}before:${older.before + 1}`,
        maxResults: Math.min(500, Math.max(1, budget.maxMessages)),
        ...(older.pageToken ? { pageToken: older.pageToken } : {}),
      }),
    );
    const known = new Set(knownRemoteIds());
    const ids = (list.messages ?? []).map((message) => message.id).filter((id): id is string => Boolean(id));
    const { messages } = await this.fetchByIds(ids.filter((id) => !known.has(id)));
    const nextPageToken = list.nextPageToken ?? null;
    const remoteTotal = changes.remoteTotal + messages.length;
    const next: GmailCursor = nextPageToken
      ? { ...cursor, older: { ...older, pageToken: nextPageToken }, remoteTotal }
      : { ...cursor, after: older.after, older: null, remoteTotal };
    return {
      ...changes,
      upserts: [...changes.upserts, ...messages],
      nextCursor: serializeGmailCursor(next),
      more: nextPageToken !== null,
      remoteTotal,
      backfillComplete: nextPageToken === null,
    };
  }

  /** users.messages.list of the label, newest first, from the cursor's page token. */
  private listPage(cursor: GmailCursor, budget: Budget): Promise<gmail_v1.Schema$ListMessagesResponse> {
    return this.call(GMAIL_COSTS.messagesList, () =>
      this.api.users.messages.list({
        userId: USER,
        labelIds: [cursor.label],
        ...(cursor.after !== null ? { q: `after:${cursor.after}` } : {}),
        maxResults: Math.min(500, Math.max(1, budget.maxMessages)),
        ...(cursor.pageToken ? { pageToken: cursor.pageToken } : {}),
      }),
    );
  }

  /**
   * One history.list page since the cursor's historyId, for this label
   * (https://developers.google.com/gmail/api/guides/sync#partial_synchronization). Null when the
   * history expired (404). `next` is the cursor `changes.nextCursor` serializes.
   */
  private async incremental(
    cursor: GmailCursor,
    budget: Budget,
    knownRemoteIds: () => string[],
  ): Promise<{ changes: FolderChanges; next: GmailCursor } | null> {
    let history: gmail_v1.Schema$ListHistoryResponse;
    try {
      history = await this.call(GMAIL_COSTS.historyList, () =>
        this.api.users.history.list({
          userId: USER,
          startHistoryId: cursor.historyId,
          labelId: cursor.label,
          maxResults: Math.min(500, Math.max(1, budget.maxMessages)),
        }),
      );
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
    const records = history.history ?? [];
    const changes = foldHistory(records, cursor.label);

    const wanted = [...changes].filter(([, change]) => change.kind === 'upsert').map(([id]) => id);
    const known = wanted.length > 0 ? new Set(knownRemoteIds()) : new Set<string>();
    const flagChanges: FlagChange[] = [];
    const toFetch: string[] = [];
    const deletes: string[] = [];
    for (const [id, change] of changes) {
      if (change.kind === 'delete') deletes.push(id);
      // Gmail messages never change once stored: a known one only changes labels (flags).
      else if (change.kind === 'flags' || known.has(id))
        flagChanges.push({ remoteId: id, flags: flagsOf(change.labelIds) });
      else toFetch.push(id);
    }
    const { messages, gone } = await this.fetchByIds(toFetch);
    deletes.push(...gone);
    const nextPageToken = history.nextPageToken ?? null;
    const lastRecord = records[records.length - 1]?.id;
    const historyId = nextPageToken && lastRecord ? lastRecord : (history.historyId ?? cursor.historyId);
    const remoteTotal = Math.max(0, cursor.remoteTotal + messages.length - deletes.length);
    const next: GmailCursor = { ...cursor, historyId, remoteTotal };
    const page: FolderChanges = {
      reset: false,
      upserts: messages.sort((a, b) => Date.parse(b.internalDate ?? '') - Date.parse(a.internalDate ?? '')),
      deletes,
      flagChanges,
      nextCursor: serializeGmailCursor(next),
      more: nextPageToken !== null,
      remoteTotal,
      backfillComplete: true,
    };
    return { changes: page, next };
  }

  /**
   * The messages, in the order given, with one messages.get each (format=full, 5 units: the quota
   * allows 50 a second per mailbox): rebuilt from the payload without attachment bodies, which
   * stay on the server (attachments.get on demand). A message deleted meanwhile is in `gone`.
   * (A minimal get first, to fetch small messages raw, would cost twice the quota per message.)
   */
  private async fetchByIds(ids: readonly string[]): Promise<{ messages: RemoteMessage[]; gone: string[] }> {
    if (ids.length === 0) return { messages: [], gone: [] };
    const full = await this.getMessages(ids, 'full');
    const messages: RemoteMessage[] = [];
    const gone: string[] = [];
    for (const id of ids) {
      const message = full.get(id);
      const remote = message ? await this.fromFull(message) : null;
      if (remote) messages.push(remote);
      else gone.push(id);
    }
    return { messages, gone };
  }

  private fromRaw(message: Message): RemoteMessage {
    const whole = Buffer.from(message.raw ?? '', 'base64url');
    const source = whole.length > this.sourceMaxBytes ? whole.subarray(0, this.sourceMaxBytes) : whole;
    return {
      ...this.baseOf(message),
      size: message.sizeEstimate ?? whole.length,
      source,
      sourceTruncated: source.length < whole.length,
      attachments: [],
    };
  }

  private async fromFull(message: Message): Promise<RemoteMessage | null> {
    const payload = message.payload as GmailPart | undefined;
    if (!payload) return null;
    const fetched = new Map<string, Buffer>();
    for (const leaf of textPartsToFetch(payload)) {
      try {
        fetched.set(leaf.imapPart, await this.partContent(message.id!, leaf.part));
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'NOT_FOUND')) throw error;
      }
    }
    try {
      const rebuilt = rebuildSource(payload, this.sourceMaxBytes, fetched);
      return {
        ...this.baseOf(message),
        size: message.sizeEstimate ?? rebuilt.source.length,
        source: rebuilt.source,
        sourceTruncated: rebuilt.truncated,
        attachments: rebuilt.attachments,
      };
    } catch (error) {
      // A structure we cannot rebuild (a multipart without boundary): the message whole instead.
      this.log.warn({ id: message.id, err: error }, 'gmail payload not rebuilt; fetching it raw');
      const raw = (await this.getMessages([message.id!], 'raw')).get(message.id!);
      return raw ? this.fromRaw(raw) : null;
    }
  }

  private baseOf(message: Message): Pick<RemoteMessage, 'remoteId' | 'flags' | 'internalDate'> {
    const date = Number(message.internalDate);
    return {
      remoteId: message.id!,
      flags: flagsOf(message.labelIds),
      internalDate: Number.isFinite(date) && message.internalDate ? new Date(date).toISOString() : null,
    };
  }

  /** The decoded content of a leaf: inline data, or users.messages.attachments.get. */
  private async partContent(messageId: string, part: GmailPart): Promise<Buffer> {
    if (part.body?.data) return Buffer.from(part.body.data, 'base64url');
    const attachmentId = part.body?.attachmentId;
    if (!attachmentId) return Buffer.alloc(0);
    const body = await this.call(GMAIL_COSTS.attachmentsGet, () =>
      this.api.users.messages.attachments.get({ userId: USER, messageId, id: attachmentId }),
    );
    return Buffer.from(body.data ?? '', 'base64url');
  }

  private async mailboxHistoryId(): Promise<string> {
    const profile = await this.call(GMAIL_COSTS.getProfile, () => this.api.users.getProfile({ userId: USER }));
    if (!profile.historyId) throw new AppError('TEMPORARY', 'Gmail did not report the mailbox history id.');
    return profile.historyId;
  }

  // ---- transport ----

  /**
   * One API call through the governor: a 401 invalidates the token and retries once (a second
   * 401 is AUTH); 429/403-rate/5xx/network pause the governor for Retry-After (or a backoff) and
   * retry, up to maxRetries and maxInlineWaitMs; everything else maps to its shared code.
   */
  private async call<T>(cost: number, send: () => Promise<{ data: T }>): Promise<T> {
    let authRetried = false;
    for (let attempt = 0; ;) {
      try {
        return (await this.governor.run(cost, send)).data;
      } catch (error) {
        if (error instanceof AppError) throw error;
        const failure = failureOf(error);
        if (failure.status === 401) {
          if (authRetried) throw toAppError(failure, error);
          authRetried = true;
          this.tokens.invalidate();
          continue;
        }
        if (!isRetryable(failure)) throw toAppError(failure, error);
        this.backOff(failure, attempt++, error);
      }
    }
  }

  /**
   * Pauses the governor (everyone calling this mailbox waits) for Retry-After or an exponential
   * backoff; throws RATE_LIMIT/TEMPORARY with retryAfterMs when the wait is too long to spend
   * inside one call or the retries are used up, so the engine schedules the next attempt.
   */
  private backOff(failure: HttpFailure, attempt: number, cause: unknown): void {
    const backoff = Math.min(32_000, 500 * 2 ** attempt);
    const waitMs = failure.retryAfterMs ?? backoff;
    this.governor.pause(waitMs);
    this.log.debug({ status: failure.status, reason: failure.reason, waitMs, attempt }, 'gmail backing off');
    if (attempt >= this.maxRetries || waitMs > this.maxInlineWaitMs) {
      throw toAppError(failure, cause, Math.max(waitMs, 1000));
    }
  }

  /**
   * users.messages.get for many ids through batch requests (≤ MAX_BATCH each, each call charged
   * 5 units). Parts answered 429/5xx are retried after the pause; 404 means gone (absent from the
   * result); a 401 anywhere invalidates the token and retries once.
   */
  private async getMessages(ids: readonly string[], format: Format): Promise<Map<string, Message>> {
    const result = new Map<string, Message>();
    let pending = [...ids];
    let attempt = 0;
    let authRetried = false;
    while (pending.length > 0) {
      const chunk = pending.slice(0, MAX_BATCH);
      const answers = await this.batch(chunk, format);
      const retry: string[] = [];
      let worst: HttpFailure | null = null;
      let unauthorized: HttpFailure | null = null;
      for (const [index, id] of chunk.entries()) {
        const answer = answers.get(`m${index}`);
        if (!answer) {
          retry.push(id);
          worst ??= {
            status: 503,
            reason: 'missingPart',
            message: 'batch part missing',
            retryAfterMs: null,
            code: null,
          };
          continue;
        }
        if (answer.status === 200) {
          result.set(id, JSON.parse(answer.body) as Message);
          continue;
        }
        if (answer.status === 404) continue;
        const failure = failureOfAnswer(answer.status, answer.headers, answer.body);
        if (failure.status === 401) {
          unauthorized = failure;
          retry.push(id);
        } else if (isRetryable(failure)) {
          retry.push(id);
          if (!worst || (failure.retryAfterMs ?? 0) > (worst.retryAfterMs ?? 0)) worst = failure;
        } else {
          throw toAppError(failure);
        }
      }
      if (unauthorized) {
        if (authRetried) throw toAppError(unauthorized);
        authRetried = true;
        this.tokens.invalidate();
      }
      if (worst) this.backOff(worst, attempt++, undefined);
      else if (!unauthorized) attempt = 0;
      pending = [...retry, ...pending.slice(chunk.length)];
    }
    return result;
  }

  /** One batch request (https://developers.google.com/gmail/api/guides/batch), through call(). */
  private async batch(ids: readonly string[], format: Format): Promise<Map<string, BatchAnswer>> {
    const boundary = newBoundary();
    const calls = ids.map((id, index) => ({
      id: `m${index}`,
      path: `/gmail/v1/users/${USER}/messages/${encodeURIComponent(id)}?format=${format}`,
    }));
    const response = await this.call(GMAIL_COSTS.messagesGet * ids.length, async () => {
      const answer = await this.auth.request<string>({
        url: `${this.rootUrl}batch/gmail/v1`,
        method: 'POST',
        headers: { 'content-type': `multipart/mixed; boundary=${boundary}` },
        data: buildBatchBody(calls, boundary),
        responseType: 'text',
      });
      const contentType = answer.headers.get('content-type') ?? '';
      return { data: { body: answer.data, contentType } };
    });
    const answers = parseBatchResponse(response.body, response.contentType);
    return new Map(answers.map((answer) => [answer.id, answer]));
  }
}

/**
 * The net effect of history records on one label, per message, in order: added to the label →
 * upsert; removed from it or deleted → delete; another label changed on a message in it → flags.
 * A later record overrides an earlier one, except that flags keep a pending upsert an upsert.
 */
export function foldHistory(records: readonly gmail_v1.Schema$History[], label: string): Map<string, Change> {
  const changes = new Map<string, Change>();
  const set = (id: string | null | undefined, kind: Change['kind'], labelIds: string[] | null | undefined): void => {
    if (!id) return;
    const previous = changes.get(id);
    const nextKind = kind === 'flags' && previous?.kind === 'upsert' ? 'upsert' : kind;
    changes.set(id, { kind: nextKind, labelIds: labelIds ?? previous?.labelIds ?? [] });
  };
  for (const record of records) {
    for (const added of record.messagesAdded ?? []) {
      if (added.message?.labelIds?.includes(label)) set(added.message.id, 'upsert', added.message.labelIds);
    }
    for (const deleted of record.messagesDeleted ?? []) set(deleted.message?.id, 'delete', []);
    for (const change of record.labelsAdded ?? []) {
      const labels = change.message?.labelIds ?? [];
      if (change.labelIds?.includes(label)) set(change.message?.id, 'upsert', labels);
      else if (labels.includes(label)) set(change.message?.id, 'flags', labels);
    }
    for (const change of record.labelsRemoved ?? []) {
      const labels = change.message?.labelIds ?? [];
      if (change.labelIds?.includes(label)) set(change.message?.id, 'delete', labels);
      else if (labels.includes(label)) set(change.message?.id, 'flags', labels);
    }
  }
  return changes;
}
