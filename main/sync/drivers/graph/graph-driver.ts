import { Client, HTTPMessageHandler, ResponseType } from '@microsoft/microsoft-graph-client';
import { simpleParser } from 'mailparser';
import { AppError } from '../../../../common/errors.js';
import type { Logger } from '../../../util/logger.js';
import type {
  Budget,
  Disposable,
  FlagChange,
  FolderChanges,
  FolderRole,
  MailDriver,
  RemoteFolder,
  RemoteMessage,
  SyncScope,
} from '../../mail-driver.js';
import type { AccessTokenSource } from '../../oauth/access-token.js';
import { RateGovernor } from '../../rate-governor.js';
import { graphWindowWidened, parseGraphCursor, relativeLink, type GraphCursor } from './graph-cursor.js';
import { mapGraphError, retryAfterMs } from './graph-errors.js';
import { graphFlags, graphFolderRole, WELL_KNOWN_ROLES } from './graph-folders.js';
import { GovernedMiddleware } from './graph-http.js';
import {
  attachmentsOf,
  sourceWithoutAttachments,
  type GraphAttachmentJson,
  type GraphMessageJson,
} from './graph-source.js';

export type GraphDriverOptions = {
  tokens: AccessTokenSource;
  /** The Graph service root, without the version: https://graph.microsoft.com (tests: the fake). */
  baseUrl?: string;
  log: Logger;
  /** Shared by every driver of the same mailbox; defaults to Graph's published mailbox limits. */
  governor?: RateGovernor;
  /** Longest Retry-After waited for in place (default 30 s); beyond it: RATE_LIMIT. */
  maxWaitMs?: number;
  /** Attachments adding up to less than this are fetched with the message (default 32 KB). */
  attachmentsInlineMaxBytes?: number;
  /** Poll interval of watch() (default 2 minutes), with up to 20% jitter. */
  pollIntervalMs?: number;
};

/**
 * Graph's mailbox limits (https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits):
 * 4 concurrent requests and 10,000 requests per 10 minutes per app per mailbox. The client's
 * window is 10% longer than the service's: the service counts a request when it reaches it (the
 * inner requests of a batch as they are dispatched, later than the batch was sent), so a window of
 * exactly 10 minutes here would free units a little before the service does and run over at each
 * turn of the window.
 */
export function graphMailboxGovernor(): RateGovernor {
  return new RateGovernor({ units: 10_000, windowMs: 660_000, maxConcurrent: 4 });
}

const DELTA_SELECT = [
  'id',
  'isRead',
  'flag',
  'hasAttachments',
  'receivedDateTime',
  'parentFolderId',
  'internetMessageId',
  'subject',
];
const SOURCE_SELECT = [
  'internetMessageHeaders',
  'body',
  'subject',
  'from',
  'toRecipients',
  'ccRecipients',
  'replyTo',
  'sentDateTime',
  'receivedDateTime',
  'internetMessageId',
];
const ATTACHMENT_SELECT = ['id', 'name', 'contentType', 'size', 'isInline'];
/** https://learn.microsoft.com/en-us/graph/json-batching: at most 20 requests per batch. */
const BATCH_MAX = 20;
const MAX_PAGE = 200;

type DeltaEntry = GraphMessageJson & {
  '@removed'?: { reason?: string };
  isRead?: boolean;
  flag?: { flagStatus?: string };
  hasAttachments?: boolean;
};
type DeltaPage = { value?: DeltaEntry[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
type BatchAnswer = { id: string; status: number; headers?: Record<string, string>; body?: unknown };
type InnerRequest = { id: string; url: string };

/**
 * MailDriver over Microsoft Graph v1.0 (Office 365, Outlook.com) on the official
 * @microsoft/microsoft-graph-client.
 *
 * Per folder: the message delta query (https://learn.microsoft.com/en-us/graph/delta-query-messages)
 * with immutable ids (`Prefer: IdType="ImmutableId"`,
 * https://learn.microsoft.com/en-us/graph/outlook-immutable-id), so a message keeps its id when it
 * moves. The cursor is the nextLink during a round and the deltaLink after it; a 410 Gone (the
 * service forgot the sync state) starts the folder over with a reset page. Bodies are the MIME
 * source ($value) fetched in JSON batches of up to 20; a message whose attachments add up to
 * attachmentsInlineMaxBytes or more gets a source rebuilt from its header and text instead, its
 * attachments recorded as metadata and downloaded on demand (fetchPart).
 */
export class GraphDriver implements MailDriver {
  private readonly client: Client;
  private readonly governor: RateGovernor;
  private readonly apiRoot: string;
  private readonly log: Logger;
  private readonly inlineMax: number;
  private wellKnown: Map<string, FolderRole> | null = null;

  constructor(private readonly options: GraphDriverOptions) {
    const baseUrl = (options.baseUrl ?? 'https://graph.microsoft.com').replace(/\/$/, '');
    this.apiRoot = `${baseUrl}/v1.0`;
    this.log = options.log;
    this.governor = options.governor ?? graphMailboxGovernor();
    this.inlineMax = options.attachmentsInlineMaxBytes ?? 32 * 1024;
    const governed = new GovernedMiddleware({
      tokens: options.tokens,
      governor: this.governor,
      origin: new URL(baseUrl).origin,
      log: options.log,
      maxWaitMs: options.maxWaitMs ?? 30_000,
      maxRetries: 12,
    });
    this.client = Client.initWithMiddleware({
      baseUrl: `${baseUrl}/`,
      defaultVersion: 'v1.0',
      middleware: [governed, new HTTPMessageHandler()],
    });
  }

  /** The signed-in mailbox's address (GET /me), to check a connection before saving it. */
  async verify(): Promise<string> {
    const me = (await this.call(() => this.client.api('/me').select(['mail', 'userPrincipalName']).get())) as {
      mail?: string | null;
      userPrincipalName?: string;
    };
    return me.mail ?? me.userPrincipalName ?? '';
  }

  async listFolders(): Promise<RemoteFolder[]> {
    const wellKnown = await this.wellKnownFolders();
    const folders: RemoteFolder[] = [];
    const walk = async (path: string, prefix: string, depth: number): Promise<void> => {
      let link: string | null = `${path}?$top=100`;
      while (link) {
        const page = (await this.call(() => this.client.api(link!).get())) as {
          value?: { id: string; displayName: string; childFolderCount?: number }[];
          '@odata.nextLink'?: string;
        };
        for (const folder of page.value ?? []) {
          const name = prefix ? `${prefix}/${folder.displayName}` : folder.displayName;
          folders.push({ path: folder.id, name, role: graphFolderRole(folder.id, wellKnown) });
          if ((folder.childFolderCount ?? 0) > 0 && depth < 8) {
            await walk(`/me/mailFolders/${encodeURIComponent(folder.id)}/childFolders`, name, depth + 1);
          }
        }
        link = page['@odata.nextLink'] ? this.relative(page['@odata.nextLink']) : null;
      }
    };
    await walk('/me/mailFolders', '', 0);
    return folders;
  }

  async fetchChanges(
    folder: RemoteFolder,
    cursorText: string | null,
    scope: SyncScope,
    budget: Budget,
    knownRemoteIds: () => string[],
  ): Promise<FolderChanges> {
    const previous = parseGraphCursor(cursorText, folder.path);
    let reset = cursorText !== null && previous === null;
    // A wider window (Settings): a new round with the wider filter lists the folder again, at once;
    // what is stored comes back as known ids (flags only), the older mail is fetched. The round it
    // replaces (running, or caught up) is dropped with what it would have said of deletions, so the
    // new round reconciles at its end (see GraphCursor.reconcile).
    const widened = previous !== null && graphWindowWidened(previous, scope.since);
    let cursor: GraphCursor =
      previous === null
        ? this.initialCursor(folder.path, scope)
        : widened
          ? { ...this.initialCursor(folder.path, scope), reconcile: true }
          : { ...previous, since: previous.since === undefined ? windowOf(scope) : previous.since };
    const pageSize = Math.max(1, Math.min(budget.maxMessages, MAX_PAGE));
    const entries: DeltaEntry[] = [];
    const deletes = new Set<string>();
    /** The round ended (deltaLink): nothing more until the mailbox changes. */
    let caughtUp = false;
    for (;;) {
      let page: DeltaPage;
      try {
        page = (await this.call(() =>
          this.client.api(cursor.link).header('Prefer', `odata.maxpagesize=${pageSize}, IdType="ImmutableId"`).get(),
        )) as DeltaPage;
      } catch (error) {
        // 410 Gone: the sync state is gone (syncStateNotFound, resyncRequired); start the folder
        // over. Stored locations are dropped (reset) and messages matched again by identity.
        if (error instanceof AppError && error.code === 'CURSOR_EXPIRED' && !reset) {
          this.log.info({ folder: folder.name }, 'graph: delta state expired, resyncing the folder');
          reset = true;
          entries.length = 0;
          deletes.clear();
          // The reset drops every stored location of the folder: nothing is left to reconcile.
          cursor = this.initialCursor(folder.path, scope);
          continue;
        }
        throw error;
      }
      for (const entry of page.value ?? []) {
        if (entry['@removed']) deletes.add(entry.id);
        else entries.push(entry);
      }
      if (page['@odata.nextLink']) {
        cursor = { ...cursor, link: this.relative(page['@odata.nextLink']) };
        if (entries.length >= budget.maxMessages) break;
        continue;
      }
      if (page['@odata.deltaLink']) {
        if (cursor.reconcile && !reset) {
          for (const id of await this.storedIdsGone(folder.path, cursor.since ?? null, knownRemoteIds()))
            deletes.add(id);
        }
        cursor = { ...cursor, link: this.relative(page['@odata.deltaLink']), phase: 'delta', reconcile: undefined };
        caughtUp = true;
        break;
      }
      throw new AppError('TEMPORARY', 'Microsoft 365 answered a delta page without a next or delta link.');
    }

    // Later entries for the same id supersede earlier ones; a removal wins over a change in the same round.
    const latest = new Map<string, DeltaEntry>();
    for (const entry of entries) if (!deletes.has(entry.id)) latest.set(entry.id, entry);
    const known = reset ? new Set<string>() : new Set(knownRemoteIds());
    const flagChanges: FlagChange[] = [];
    const fresh: DeltaEntry[] = [];
    for (const entry of latest.values()) {
      if (known.has(entry.id)) flagChanges.push({ remoteId: entry.id, flags: graphFlags(entry) });
      else fresh.push(entry);
    }
    const upserts = await this.messagesOf(fresh);
    upserts.sort((a, b) => (b.internalDate ?? '').localeCompare(a.internalDate ?? ''));
    const remoteTotal = await this.folderTotal(folder.path);
    const backfillComplete = cursor.phase === 'delta';
    return {
      reset,
      upserts,
      deletes: [...deletes],
      flagChanges,
      nextCursor: JSON.stringify(cursor),
      more: !caughtUp,
      remoteTotal,
      backfillComplete,
    };
  }

  /**
   * Polls: calls onChange for every folder every pollIntervalMs (with jitter); the delta query
   * makes a pass with nothing new cost one request per folder. Change notifications
   * (https://learn.microsoft.com/en-us/graph/change-notifications-overview, POST /subscriptions
   * on /me/mailFolders('inbox')/messages) need a public HTTPS notificationUrl that a desktop app
   * does not have: that hook is not wired.
   */
  async watch(folders: RemoteFolder[], onChange: (folderPath: string) => void): Promise<Disposable> {
    const interval = this.options.pollIntervalMs ?? 120_000;
    let timer: NodeJS.Timeout | null = null;
    let stopped = false;
    const schedule = (): void => {
      if (stopped) return;
      timer = setTimeout(
        () => {
          for (const folder of folders) onChange(folder.path);
          schedule();
        },
        interval * (1 + Math.random() * 0.2),
      );
      timer.unref();
    };
    schedule();
    return {
      dispose: async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
      },
    };
  }

  /**
   * One attachment's content. partId is a Graph attachment id (attachments recorded from Graph's
   * list) or a MIME part path (attachments the parser found in a source fetched whole).
   */
  async fetchPart(
    folderPath: string,
    cursorText: string | null,
    remoteId: string,
    partId: string,
    maxBytes: number,
  ): Promise<Buffer> {
    void folderPath;
    void cursorText;
    const id = encodeURIComponent(remoteId);
    if (/^\d+(\.\d+)*$/.test(partId)) {
      const source = await this.download(`/me/messages/${id}/$value`);
      const parsed = await simpleParser(source);
      const found = parsed.attachments.find((attachment) => attachment.partId === partId);
      if (!found) throw new AppError('NOT_FOUND', 'The attachment is no longer in the message.');
      if (found.content.length > maxBytes) throw tooLarge(maxBytes);
      return found.content;
    }
    const meta = (await this.call(() =>
      this.client
        .api(`/me/messages/${id}/attachments/${encodeURIComponent(partId)}`)
        .header('Prefer', 'IdType="ImmutableId"')
        .select(['id', 'size'])
        .get(),
    )) as { size?: number };
    if ((meta.size ?? 0) > maxBytes * 1.05) throw tooLarge(maxBytes);
    const content = await this.download(`/me/messages/${id}/attachments/${encodeURIComponent(partId)}/$value`);
    if (content.length > maxBytes) throw tooLarge(maxBytes);
    return content;
  }

  /** GET of each message by its immutable id (no cursor to check), then its content as the sync fetches it. */
  async fetchMessages(
    _folderPath: string,
    _cursor: string | null,
    remoteIds: readonly string[],
  ): Promise<{ messages: RemoteMessage[]; gone: string[] }> {
    const answers = await this.batch(
      remoteIds.map((id) => ({
        id,
        url: `/me/messages/${encodeURIComponent(id)}?$select=${DELTA_SELECT.join(',')}`,
      })),
    );
    const entries: DeltaEntry[] = [];
    for (const id of remoteIds) {
      const answer = answers.get(id);
      if (answer?.status === 200) entries.push({ ...(answer.body as DeltaEntry), id });
    }
    const messages = await this.messagesOf(entries);
    const found = new Set(messages.map((message) => message.remoteId));
    return { messages, gone: remoteIds.filter((id) => !found.has(id)) };
  }

  async close(): Promise<void> {
    // No connection is held: fetch's keep-alive sockets close by themselves.
  }

  /**
   * Of the stored ids, those the folder no longer holds, listed now (List messages,
   * https://learn.microsoft.com/en-us/graph/api/mailfolder-list-messages: ids only, 1,000 a page,
   * within the round's window, which holds every stored message: a window only ever widens a
   * round). Mail removed after this listing is reported by the round's next delta.
   */
  private async storedIdsGone(folderId: string, since: string | null, stored: string[]): Promise<string[]> {
    if (stored.length === 0) return [];
    let link: string | null =
      `/me/mailFolders/${encodeURIComponent(folderId)}/messages?$select=id&$top=1000` +
      (since === null ? '' : `&$filter=receivedDateTime+ge+${since}`);
    const present = new Set<string>();
    while (link) {
      const request: string = link;
      const page = (await this.call(() => this.client.api(request).header('Prefer', 'IdType="ImmutableId"').get())) as {
        value?: { id: string }[];
        '@odata.nextLink'?: string;
      };
      for (const message of page.value ?? []) present.add(message.id);
      link = page['@odata.nextLink'] ? this.relative(page['@odata.nextLink']) : null;
    }
    return stored.filter((id) => !present.has(id));
  }

  private initialCursor(folderId: string, scope: SyncScope): GraphCursor {
    // The graph client splits the query itself: OData names stay unencoded ($select, not %24select).
    let query = `$select=${DELTA_SELECT.join(',')}`;
    // message: delta supports $filter on receivedDateTime ge (https://learn.microsoft.com/en-us/graph/api/message-delta).
    const since = windowOf(scope);
    if (since !== null) query += `&$filter=receivedDateTime+ge+${since}`;
    return {
      v: 1,
      folderId,
      link: `/me/mailFolders/${encodeURIComponent(folderId)}/messages/delta?${query}`,
      phase: 'initial',
      since,
    };
  }

  private relative(link: string): string {
    const relative = relativeLink(link, this.apiRoot);
    if (!relative) throw new AppError('TEMPORARY', 'Microsoft 365 answered a link to another server.');
    return relative;
  }

  private async wellKnownFolders(): Promise<Map<string, FolderRole>> {
    if (this.wellKnown) return this.wellKnown;
    const answers = await this.batch(
      WELL_KNOWN_ROLES.map(([name]) => ({ id: name, url: `/me/mailFolders/${name}?$select=id` })),
    );
    const roles = new Map<string, FolderRole>();
    for (const [name, role] of WELL_KNOWN_ROLES) {
      const answer = answers.get(name);
      // A mailbox without an Archive folder answers 404 for it.
      if (answer?.status === 200) roles.set((answer.body as { id: string }).id, role);
    }
    this.wellKnown = roles;
    return roles;
  }

  private async folderTotal(folderId: string): Promise<number> {
    const folder = (await this.call(() =>
      this.client
        .api(`/me/mailFolders/${encodeURIComponent(folderId)}`)
        .select(['totalItemCount'])
        .get(),
    )) as { totalItemCount?: number };
    return folder.totalItemCount ?? 0;
  }

  /** The RemoteMessages of delta entries: sources by $value, or rebuilt without big attachments. */
  private async messagesOf(entries: DeltaEntry[]): Promise<RemoteMessage[]> {
    const withAttachments = entries.filter((entry) => entry.hasAttachments);
    const lists = await this.batch(
      withAttachments.map((entry) => ({
        id: entry.id,
        url: `/me/messages/${encodeURIComponent(entry.id)}/attachments?$select=${ATTACHMENT_SELECT.join(',')}`,
      })),
    );
    const attachments = new Map<string, GraphAttachmentJson[]>();
    for (const entry of withAttachments) {
      const answer = lists.get(entry.id);
      if (answer?.status !== 200) continue;
      const list = (answer.body as { value?: GraphAttachmentJson[] }).value ?? [];
      const total = list.reduce((sum, attachment) => sum + (attachment.size ?? 0), 0);
      if (total >= this.inlineMax) attachments.set(entry.id, list);
    }
    const requests = entries.map((entry) => {
      const id = encodeURIComponent(entry.id);
      return attachments.has(entry.id)
        ? { id: entry.id, url: `/me/messages/${id}?$select=${SOURCE_SELECT.join(',')}` }
        : { id: entry.id, url: `/me/messages/${id}/$value` };
    });
    const answers = await this.batch(requests);
    const messages: RemoteMessage[] = [];
    for (const entry of entries) {
      const answer = answers.get(entry.id);
      // Gone since the delta page (moved, deleted): the next delta round reports it.
      if (!answer || answer.status === 404) continue;
      const base = {
        remoteId: entry.id,
        flags: graphFlags(entry),
        internalDate: entry.receivedDateTime ? new Date(entry.receivedDateTime).toISOString() : null,
        sourceTruncated: false,
      };
      const list = attachments.get(entry.id);
      if (list) {
        const source = sourceWithoutAttachments(answer.body as GraphMessageJson);
        const size = source.length + list.reduce((sum, attachment) => sum + (attachment.size ?? 0), 0);
        messages.push({ ...base, size, source, attachments: attachmentsOf(list) });
      } else {
        const source = batchBytes(answer.body);
        messages.push({ ...base, size: source.length, source, attachments: [] });
      }
    }
    return messages;
  }

  /**
   * GETs in JSON batches of up to 20 (https://learn.microsoft.com/en-us/graph/json-batching).
   * Inner requests answered 429/503 are retried after their Retry-After (the governor pauses
   * everyone); a 404 is returned to the caller; any other failure fails the call.
   */
  private async batch(requests: InnerRequest[]): Promise<Map<string, BatchAnswer>> {
    const answers = new Map<string, BatchAnswer>();
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const retry: InnerRequest[] = [];
      let wait = 0;
      for (let start = 0; start < pending.length; start += BATCH_MAX) {
        const chunk = pending.slice(start, start + BATCH_MAX);
        const body = {
          requests: chunk.map((request, index) => ({
            id: String(index + 1),
            method: 'GET',
            url: request.url,
            headers: { Prefer: 'IdType="ImmutableId"' },
          })),
        };
        const result = (await this.call(() => this.client.api('/$batch').post(body))) as {
          responses?: BatchAnswer[];
        };
        for (const response of result.responses ?? []) {
          const request = chunk[Number(response.id) - 1];
          if (!request) continue;
          if (response.status === 429 || response.status === 503) {
            wait = Math.max(wait, retryAfterMs(headerOf(response, 'retry-after')) ?? 1000 * 2 ** attempt);
            retry.push(request);
          } else if (response.status >= 200 && response.status < 300) {
            answers.set(request.id, response);
          } else if (response.status === 404) {
            answers.set(request.id, response);
          } else {
            throw mapGraphError(innerError(response));
          }
        }
      }
      if (retry.length === 0) break;
      if (attempt >= 8 || wait > (this.options.maxWaitMs ?? 30_000)) {
        throw new AppError('RATE_LIMIT', 'Microsoft 365 asked Clientele to slow down.', {
          retryAfterMs: Math.round(wait),
          details: { pending: retry.length },
        });
      }
      this.log.debug({ retry: retry.length, wait }, 'graph: batch requests throttled, waiting');
      this.governor.pause(wait);
      pending = retry;
    }
    return answers;
  }

  private async download(path: string): Promise<Buffer> {
    const body = (await this.call(() =>
      this.client.api(path).header('Prefer', 'IdType="ImmutableId"').responseType(ResponseType.ARRAYBUFFER).get(),
    )) as ArrayBuffer;
    return Buffer.from(body);
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw mapGraphError(error);
    }
  }
}

function headerOf(response: BatchAnswer, name: string): string | undefined {
  for (const [key, value] of Object.entries(response.headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** A failed inner response as the fields mapGraphError reads. */
function innerError(response: BatchAnswer): Error & { statusCode: number; code: string | null; headers: Headers } {
  const body = response.body as { error?: { code?: string; message?: string } } | undefined;
  const error = new Error(body?.error?.message ?? `HTTP ${response.status}`) as Error & {
    statusCode: number;
    code: string | null;
    headers: Headers;
  };
  error.statusCode = response.status;
  error.code = body?.error?.code ?? null;
  error.headers = new Headers(response.headers ?? {});
  return error;
}

/**
 * The bytes of a non-JSON inner response: Graph base64-encodes such bodies in a batch response
 * (https://learn.microsoft.com/en-us/graph/json-batching); a body that is not base64 (a MIME source
 * has spaces and colons) is taken as text.
 */
export function batchBytes(body: unknown): Buffer {
  if (typeof body !== 'string') return Buffer.alloc(0);
  return /^[A-Za-z0-9+/=\r\n]*$/.test(body) ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('TOO_LARGE', `The attachment is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`);
}

/** The window's start as the delta filter takes it (ISO, whole seconds), null for the whole folder. */
function windowOf(scope: SyncScope): string | null {
  return scope.since ? scope.since.toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
}
