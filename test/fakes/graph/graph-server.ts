import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject, type Attachment } from 'mailparser';
import { bodyOf, FakeAuthorizationServer, type FakeOAuthOptions } from '../oauth/authorization-server.js';

/**
 * A fake of the Microsoft Graph v1.0 mail API (and the Microsoft identity platform's OAuth
 * endpoints) for the Graph driver's tests, on node:http at 127.0.0.1 with a random port. Each
 * handler cites the public reference page it follows. Messages are kept as raw MIME; their JSON
 * is read from the MIME with mailparser.
 *
 * Mailbox limits, per https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits:
 * at most 4 concurrent requests per app per mailbox and 10,000 requests per 10 minutes; beyond
 * either the request is refused with 429 and Retry-After. Every inner request of a $batch counts
 * against both ("Microsoft Graph dispatches up to four individual requests from a batch to the
 * Outlook service simultaneously"). `stats` counts what happened, for the tests.
 */
export type FakeGraphOptions = {
  user?: string;
  clientId?: string;
  scopes?: string[];
  maxConcurrent?: number;
  windowLimit?: number;
  windowMs?: number;
  /** Retry-After (seconds) on a limit refusal. */
  retryAfterSeconds?: number;
  /** Time each mailbox request takes, so that concurrency is real. */
  latencyMs?: number;
  accessTokenTtlSeconds?: number;
};

export type FakeFolder = { id: string; displayName: string; parentFolderId: string; wellKnownName: string | null };

type StoredMessage = {
  immutableId: string;
  /** The default (REST) id: changes when the message moves to another folder. */
  restId: string;
  folderId: string;
  mime: Buffer;
  json: Record<string, unknown>;
  attachments: {
    id: string;
    name: string;
    contentType: string;
    size: number;
    isInline: boolean;
    contentId: string | null;
    content: Buffer;
  }[];
  isRead: boolean;
  flagStatus: 'notFlagged' | 'flagged' | 'complete';
  changeKey: string;
  lastModified: string;
  /** Global sequence of the last change visible in its folder's delta. */
  seq: number;
};

type Tombstone = { folderId: string; immutableId: string; restId: string; seq: number; reason: 'deleted' | 'changed' };

/** A delta round in progress (skiptoken) or completed (deltatoken). */
type SyncState = {
  folderId: string;
  generation: number;
  immutable: boolean;
  select: string[] | null;
  pageSize: number;
  /** Changes after this sequence number are in the round. */
  since: number;
  /** `$filter=receivedDateTime ge X` of the first request, kept by the round's links. */
  receivedSince: string | null;
  /** The round's snapshot: computed at its first page, paged through by skiptokens. */
  items: { immutableId: string; removed: Tombstone | null }[];
  offset: number;
  roundSeq: number;
};

type Injected = { status: 429 | 503; retryAfterSeconds: number };

export type FakeGraphStats = {
  /** Mailbox requests (outer non-batch requests plus every inner request of a batch). */
  requests: number;
  batches: number;
  batchInner: number;
  peakConcurrency: number;
  throttledConcurrency: number;
  throttledWindow: number;
  injected: number;
  /** Requests served while the mailbox was already over a limit: must stay 0. */
  acceptedOverLimit: number;
  unauthorized: number;
  byPath: Record<string, number>;
};

const WELL_KNOWN = ['inbox', 'sentitems', 'deleteditems', 'junkemail', 'drafts', 'archive'] as const;
const DISPLAY: Record<(typeof WELL_KNOWN)[number], string> = {
  inbox: 'Inbox',
  sentitems: 'Sent Items',
  deleteditems: 'Deleted Items',
  junkemail: 'Junk Email',
  drafts: 'Drafts',
  archive: 'Archive',
};

export class FakeGraphServer {
  readonly oauth: FakeAuthorizationServer;
  readonly user: string;
  /** The public client the fake's authorization server knows (Microsoft: no secret). */
  readonly clientId: string;
  readonly folders = new Map<string, FakeFolder>();
  readonly stats: FakeGraphStats = emptyStats();
  private readonly messages = new Map<string, StoredMessage>();
  private readonly restIndex = new Map<string, string>();
  private readonly tombstones: Tombstone[] = [];
  private readonly syncStates = new Map<string, SyncState>();
  private readonly rootId = graphId('root');
  private seq = 0;
  private generation = 0;
  private inFlight = 0;
  private readonly window: number[] = [];
  private readonly injected: Injected[] = [];
  private server: Server | null = null;
  private readonly options: Required<Omit<FakeGraphOptions, 'user' | 'clientId' | 'scopes' | 'accessTokenTtlSeconds'>>;
  url = '';
  /** Test hook: called with each API path (after /v1.0) before it is served. */
  beforeRequest: ((path: string) => void) | null = null;

  constructor(options: FakeGraphOptions = {}) {
    this.user = options.user ?? 'alice@contoso.test';
    this.clientId = options.clientId ?? 'graph-client-id';
    const oauth: FakeOAuthOptions = {
      clientId: this.clientId,
      scopes: options.scopes ?? ['offline_access', 'https://graph.microsoft.com/Mail.Read', 'User.Read'],
    };
    if (options.accessTokenTtlSeconds !== undefined) oauth.accessTokenTtlSeconds = options.accessTokenTtlSeconds;
    this.oauth = new FakeAuthorizationServer(oauth);
    this.oauth.user = this.user;
    this.options = {
      maxConcurrent: options.maxConcurrent ?? 4,
      windowLimit: options.windowLimit ?? 10_000,
      windowMs: options.windowMs ?? 600_000,
      retryAfterSeconds: options.retryAfterSeconds ?? 1,
      latencyMs: options.latencyMs ?? 2,
    };
    for (const name of WELL_KNOWN) {
      const id = graphId(`folder-${name}`);
      this.folders.set(id, { id, displayName: DISPLAY[name], parentFolderId: this.rootId, wellKnownName: name });
    }
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendError(res, 500, 'generalException', String(error));
        else res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The token endpoint of the Microsoft identity platform, as the driver's token source calls it. */
  tokenEndpoint(tenant = 'common'): string {
    return `${this.url}/${tenant}/oauth2/v2.0/token`;
  }

  // ---- test controls ----------------------------------------------------------------------

  folderId(wellKnownName: (typeof WELL_KNOWN)[number]): string {
    return [...this.folders.values()].find((folder) => folder.wellKnownName === wellKnownName)!.id;
  }

  addFolder(displayName: string, parentFolderId = this.rootId): string {
    const id = graphId(`folder-${displayName}`);
    this.folders.set(id, { id, displayName, parentFolderId, wellKnownName: null });
    return id;
  }

  /** Delivers raw MIME into a folder; returns the immutable id. */
  async addMessage(
    mime: Buffer | string,
    folderId: string,
    options: { isRead?: boolean; flagged?: boolean } = {},
  ): Promise<string> {
    const raw = Buffer.isBuffer(mime) ? mime : Buffer.from(mime);
    const parsed = await simpleParser(raw, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true });
    const immutableId = graphId('imm');
    const attachments = parsed.attachments.map((attachment: Attachment) => ({
      id: graphId('att'),
      name: attachment.filename ?? 'attachment',
      contentType: attachment.contentType,
      size: attachment.size,
      isInline: attachment.contentDisposition === 'inline' || (attachment.related ?? false),
      contentId: attachment.contentId ? attachment.contentId.replace(/^<|>$/g, '') : null,
      content: attachment.content,
    }));
    const received = (parsed.date ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const message: StoredMessage = {
      immutableId,
      restId: graphId('AAMk'),
      folderId,
      mime: raw,
      attachments,
      json: {
        createdDateTime: received,
        receivedDateTime: received,
        sentDateTime: received,
        hasAttachments: attachments.some((attachment) => !attachment.isInline),
        internetMessageId: parsed.messageId ?? null,
        subject: parsed.subject ?? null,
        bodyPreview: (parsed.text ?? '').replace(/\s+/g, ' ').trim().slice(0, 255),
        importance: 'normal',
        conversationId: graphId('conv'),
        isDraft: false,
        body: parsed.html
          ? { contentType: 'html', content: parsed.html }
          : { contentType: 'text', content: parsed.text ?? '' },
        from: firstRecipient(parsed.from),
        sender: firstRecipient(parsed.from),
        toRecipients: recipients(parsed.to),
        ccRecipients: recipients(parsed.cc),
        bccRecipients: [],
        replyTo: recipients(parsed.replyTo),
        internetMessageHeaders: parsed.headerLines.map((line) => {
          const colon = line.line.indexOf(':');
          return {
            name: line.line.slice(0, colon),
            value: line.line
              .slice(colon + 1)
              .replace(/\r?\n[ \t]+/g, ' ')
              .trim(),
          };
        }),
      },
      isRead: options.isRead ?? false,
      flagStatus: options.flagged ? 'flagged' : 'notFlagged',
      changeKey: '',
      lastModified: '',
      seq: 0,
    };
    this.touch(message);
    this.messages.set(immutableId, message);
    this.restIndex.set(message.restId, immutableId);
    return immutableId;
  }

  /** Moves a message (its immutable id stays, its REST id changes, per the ImmutableId doc). */
  move(immutableId: string, folderId: string): void {
    const message = this.require(immutableId);
    this.tombstone(message, 'changed');
    this.restIndex.delete(message.restId);
    message.restId = graphId('AAMk');
    this.restIndex.set(message.restId, immutableId);
    message.folderId = folderId;
    this.touch(message);
  }

  setRead(immutableId: string, isRead: boolean): void {
    const message = this.require(immutableId);
    message.isRead = isRead;
    this.touch(message);
  }

  setFlag(immutableId: string, flagStatus: 'notFlagged' | 'flagged' | 'complete'): void {
    const message = this.require(immutableId);
    message.flagStatus = flagStatus;
    this.touch(message);
  }

  /** Hard delete (gone, not in Deleted Items). */
  delete(immutableId: string): void {
    const message = this.require(immutableId);
    this.tombstone(message, 'deleted');
    this.messages.delete(immutableId);
    this.restIndex.delete(message.restId);
  }

  /** Every delta and skip token issued so far answers 410 Gone from now on. */
  invalidateDeltaTokens(): void {
    this.generation += 1;
  }

  /** The next `count` mailbox requests are refused with this status and Retry-After. */
  inject(count: number, status: 429 | 503, retryAfterSeconds: number): void {
    for (let i = 0; i < count; i++) this.injected.push({ status, retryAfterSeconds });
  }

  messageIds(folderId?: string): string[] {
    return [...this.messages.values()].filter((m) => !folderId || m.folderId === folderId).map((m) => m.immutableId);
  }

  resetStats(): void {
    Object.assign(this.stats, emptyStats());
  }

  // ---- HTTP -------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const identity = /^\/(common|organizations|consumers|[0-9a-f-]{36})\/oauth2\/v2\.0\/(authorize|token)$/.exec(
      url.pathname,
    );
    // Microsoft identity platform endpoints:
    // https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
    if (identity) {
      if (identity[2] === 'authorize' && req.method === 'GET') return this.oauth.authorize(url, res);
      if (identity[2] === 'token' && req.method === 'POST') return this.oauth.token(req, res);
      return sendError(res, 405, 'methodNotAllowed', 'Method not allowed');
    }
    if (!url.pathname.startsWith('/v1.0/'))
      return sendError(res, 404, 'BadRequest', 'Resource not found for the segment.');
    // Authentication: every API call carries a bearer token (RFC 6750), else 401 InvalidAuthenticationToken.
    // https://learn.microsoft.com/en-us/graph/errors
    const bearer = this.oauth.checkBearer(req, 'graph.microsoft.com');
    if (!bearer.ok) {
      this.stats.unauthorized += 1;
      res.setHeader('WWW-Authenticate', bearer.header);
      return sendError(res, 401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
    }
    const path = url.pathname.slice('/v1.0'.length);
    this.beforeRequest?.(path);
    if (path === '/$batch' && req.method === 'POST') return this.batch(req, res);
    const headers = lowerHeaders(req.headers);
    const answer = await this.limited(() => this.route(req.method ?? 'GET', path, url.searchParams, headers));
    send(res, answer);
  }

  /**
   * JSON batching: https://learn.microsoft.com/en-us/graph/json-batching
   * At most 20 requests; each response carries its id, status, headers and body (JSON bodies as
   * JSON, other content base64-encoded). Inner requests run up to 4 at a time and each counts
   * against the mailbox limits; a throttled one answers 429 inside the batch with Retry-After.
   */
  private async batch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.batches += 1;
    let payload: { requests?: { id?: string; method?: string; url?: string; headers?: Record<string, string> }[] };
    try {
      payload = JSON.parse(await bodyOf(req)) as typeof payload;
    } catch {
      return sendError(res, 400, 'BadRequest', 'Invalid batch payload.');
    }
    const requests = payload.requests ?? [];
    if (!Array.isArray(requests) || requests.length === 0 || requests.length > 20) {
      return sendError(res, 400, 'BadRequest', 'Number of batch requests must be between 1 and 20.');
    }
    const ids = new Set(requests.map((request) => request.id));
    if (ids.size !== requests.length || requests.some((request) => !request.id || !request.url || !request.method)) {
      return sendError(res, 400, 'BadRequest', 'Each request needs a unique id, a method and a url.');
    }
    this.stats.batchInner += requests.length;
    const responses: { id: string; status: number; headers: Record<string, string>; body?: unknown }[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < requests.length) {
        const request = requests[next++]!;
        const url = new URL(request.url!.startsWith('/') ? `/v1.0${request.url}` : `/v1.0/${request.url}`, this.url);
        const path = url.pathname.slice('/v1.0'.length);
        const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
        const answer = await this.limited(() =>
          this.route(request.method!.toUpperCase(), path, url.searchParams, headers),
        );
        const contentType = answer.headers['content-type'] ?? '';
        const body =
          answer.body === undefined
            ? undefined
            : contentType.startsWith('application/json')
              ? (JSON.parse(answer.body.toString('utf8')) as unknown)
              : answer.body.toString('base64');
        responses.push({
          id: request.id!,
          status: answer.status,
          headers: answer.headers,
          ...(body === undefined ? {} : { body }),
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, requests.length) }, lane));
    send(res, json(200, { responses }));
  }

  /** Applies the mailbox limits and injected failures around one mailbox request. */
  private async limited(work: () => Promise<Answer>): Promise<Answer> {
    this.stats.requests += 1;
    const now = Date.now();
    while (this.window.length > 0 && this.window[0]! <= now - this.options.windowMs) this.window.shift();
    const injected = this.injected.shift();
    if (injected) {
      this.stats.injected += 1;
      return errorAnswer(
        injected.status,
        injected.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable',
        'Injected failure.',
        {
          'retry-after': String(injected.retryAfterSeconds),
        },
      );
    }
    if (this.inFlight >= this.options.maxConcurrent) {
      this.stats.throttledConcurrency += 1;
      return errorAnswer(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', {
        'retry-after': String(this.options.retryAfterSeconds),
      });
    }
    if (this.window.length >= this.options.windowLimit) {
      this.stats.throttledWindow += 1;
      return errorAnswer(429, 'ApplicationThrottled', 'Application is over its request limit for this mailbox.', {
        'retry-after': String(Math.max(1, Math.ceil((this.window[0]! + this.options.windowMs - now) / 1000))),
      });
    }
    this.window.push(now);
    this.inFlight += 1;
    this.stats.peakConcurrency = Math.max(this.stats.peakConcurrency, this.inFlight);
    if (this.inFlight > this.options.maxConcurrent || this.window.length > this.options.windowLimit) {
      this.stats.acceptedOverLimit += 1;
    }
    try {
      await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
      return await work();
    } finally {
      this.inFlight -= 1;
    }
  }

  private async route(
    method: string,
    path: string,
    query: URLSearchParams,
    headers: Record<string, string>,
  ): Promise<Answer> {
    const key = path.replace(/\/(?:messages|mailFolders|attachments)\/[^/]+/g, (m) => m.replace(/[^/]+$/, '{id}'));
    this.stats.byPath[key] = (this.stats.byPath[key] ?? 0) + 1;
    const prefer = preferences(headers['prefer']);
    if (method !== 'GET') return errorAnswer(405, 'Request_BadRequest', 'Only GET is implemented by the fake.');
    // Get user: https://learn.microsoft.com/en-us/graph/api/user-get?view=graph-rest-1.0
    if (path === '/me') {
      return json(200, {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
        id: graphId('user'),
        displayName: this.user.split('@')[0],
        mail: this.user,
        userPrincipalName: this.user,
      });
    }
    // List mailFolders: https://learn.microsoft.com/en-us/graph/api/user-list-mailfolders?view=graph-rest-1.0
    // (top-level folders; $top and @odata.nextLink paging; includeHiddenFolders not modelled)
    if (path === '/me/mailFolders') return this.listFolders(this.rootId, query, '/me/mailFolders');
    let match = /^\/me\/mailFolders\/([^/]+)\/childFolders$/.exec(path);
    // List childFolders: https://learn.microsoft.com/en-us/graph/api/mailfolder-list-childfolders?view=graph-rest-1.0
    if (match) {
      const folder = this.folderOf(match[1]!);
      if (!folder) return notFound();
      return this.listFolders(folder.id, query, path);
    }
    // Get mailFolder, by id or by well-known name (inbox, sentitems, deleteditems, junkemail,
    // drafts, archive...): https://learn.microsoft.com/en-us/graph/api/mailfolder-get?view=graph-rest-1.0
    // and https://learn.microsoft.com/en-us/graph/api/resources/mailfolder?view=graph-rest-1.0
    match = /^\/me\/mailFolders\/([^/]+)$/.exec(path);
    if (match) {
      const folder = this.folderOf(match[1]!);
      return folder ? json(200, this.folderJson(folder)) : notFound();
    }
    // message: delta: https://learn.microsoft.com/en-us/graph/api/message-delta?view=graph-rest-1.0
    // and https://learn.microsoft.com/en-us/graph/delta-query-messages
    match = /^\/me\/mailFolders\/([^/]+)\/messages\/delta$/.exec(path);
    if (match) return this.delta(match[1]!, query, prefer, path);
    // List messages of a folder: https://learn.microsoft.com/en-us/graph/api/mailfolder-list-messages?view=graph-rest-1.0
    // ($select, $top up to 1000 (default 10), $skip, a `receivedDateTime ge|gt` $filter; newest first;
    // @odata.nextLink carries $skip; IdType="ImmutableId" honoured like everywhere else).
    match = /^\/me\/mailFolders\/([^/]+)\/messages$/.exec(path);
    if (match) return this.listMessages(match[1]!, query, prefer, path);
    // Get MIME content of a message: https://learn.microsoft.com/en-us/graph/outlook-get-mime-message
    // (GET /me/messages/{id}/$value, https://learn.microsoft.com/en-us/graph/api/message-get?view=graph-rest-1.0)
    match = /^\/me\/messages\/([^/]+)\/\$value$/.exec(path);
    if (match) {
      const message = this.messageOf(match[1]!);
      if (!message) return notFound();
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: message.mime };
    }
    // Get message: https://learn.microsoft.com/en-us/graph/api/message-get?view=graph-rest-1.0
    match = /^\/me\/messages\/([^/]+)$/.exec(path);
    if (match) {
      const message = this.messageOf(match[1]!);
      if (!message) return notFound();
      return json(
        200,
        this.messageJson(message, selectOf(query), prefer.has('IdType') && prefer.get('IdType') === 'ImmutableId'),
      );
    }
    // List attachments: https://learn.microsoft.com/en-us/graph/api/message-list-attachments?view=graph-rest-1.0
    match = /^\/me\/messages\/([^/]+)\/attachments$/.exec(path);
    if (match) {
      const message = this.messageOf(match[1]!);
      if (!message) return notFound();
      const select = selectOf(query);
      return json(200, { value: message.attachments.map((attachment) => attachmentJson(attachment, select)) });
    }
    // Get attachment raw contents: https://learn.microsoft.com/en-us/graph/api/attachment-get?view=graph-rest-1.0
    // (GET /me/messages/{id}/attachments/{id}/$value)
    match = /^\/me\/messages\/([^/]+)\/attachments\/([^/]+)(\/\$value)?$/.exec(path);
    if (match) {
      const attachment = this.messageOf(match[1]!)?.attachments.find((candidate) => candidate.id === match[2]);
      if (!attachment) return notFound();
      if (match[3])
        return { status: 200, headers: { 'content-type': attachment.contentType }, body: attachment.content };
      return json(200, attachmentJson(attachment, selectOf(query)));
    }
    return errorAnswer(400, 'BadRequest', `Resource not found for the segment '${path}'.`);
  }

  private listMessages(folderRef: string, query: URLSearchParams, prefer: Map<string, string>, path: string): Answer {
    const folder = this.folderOf(folderRef);
    if (!folder) return notFound();
    const filter = query.get('$filter');
    const since = filter === null ? null : /^receivedDateTime (ge|gt) (\S+)$/.exec(filter.trim());
    if (filter !== null && !since) return errorAnswer(400, 'BadRequest', 'Unsupported $filter for the fake.');
    const bound = since ? new Date(since[2]!).toISOString() : null;
    const all = [...this.messages.values()]
      .filter((message) => message.folderId === folder.id)
      .filter((message) => {
        if (bound === null) return true;
        const received = new Date(String(message.json['receivedDateTime'])).toISOString();
        return since![1] === 'ge' ? received >= bound : received > bound;
      })
      .sort((a, b) => String(b.json['receivedDateTime']).localeCompare(String(a.json['receivedDateTime'])));
    const top = Math.min(Number(query.get('$top') ?? 10) || 10, 1000);
    const skip = Number(query.get('$skip') ?? 0) || 0;
    const immutable = prefer.get('IdType') === 'ImmutableId';
    const select = selectOf(query);
    const body: Record<string, unknown> = {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(message)',
      value: all.slice(skip, skip + top).map((message) => this.messageJson(message, select, immutable)),
    };
    if (skip + top < all.length) {
      // OData names unencoded and spaces as '+', as the service writes its links.
      const next = [`$top=${top}`, `$skip=${skip + top}`];
      if (select) next.push(`$select=${select.join(',')}`);
      if (filter !== null) next.push(`$filter=${filter.trim().replace(/ /g, '+')}`);
      body['@odata.nextLink'] = `${this.url}/v1.0${path}?${next.join('&')}`;
    }
    return json(200, body);
  }

  private listFolders(parentId: string, query: URLSearchParams, path: string): Answer {
    const all = [...this.folders.values()].filter((folder) => folder.parentFolderId === parentId);
    const top = Math.min(Number(query.get('$top') ?? 10) || 10, 1000);
    const skip = Number(query.get('$skip') ?? 0) || 0;
    const page = all.slice(skip, skip + top);
    const body: Record<string, unknown> = { value: page.map((folder) => this.folderJson(folder)) };
    if (skip + top < all.length) body['@odata.nextLink'] = `${this.url}/v1.0${path}?$top=${top}&$skip=${skip + top}`;
    return json(200, body);
  }

  private folderJson(folder: FakeFolder): Record<string, unknown> {
    const messages = [...this.messages.values()].filter((message) => message.folderId === folder.id);
    return {
      id: folder.id,
      displayName: folder.displayName,
      parentFolderId: folder.parentFolderId,
      childFolderCount: [...this.folders.values()].filter((child) => child.parentFolderId === folder.id).length,
      unreadItemCount: messages.filter((message) => !message.isRead).length,
      totalItemCount: messages.length,
      isHidden: false,
    };
  }

  private delta(folderRef: string, query: URLSearchParams, prefer: Map<string, string>, path: string): Answer {
    const folder = this.folderOf(folderRef);
    if (!folder) return notFound();
    const immutable = prefer.get('IdType') === 'ImmutableId';
    const pageSize = Math.max(1, Math.min(Number(prefer.get('odata.maxpagesize') ?? 10) || 10, 1000));
    const skipToken = query.get('$skiptoken');
    const deltaToken = query.get('$deltatoken');
    let state: SyncState;
    if (skipToken !== null || deltaToken !== null) {
      const found = this.syncStates.get(skipToken ?? deltaToken!);
      // A token the service no longer knows: 410 Gone, the client must restart with a full sync
      // (https://learn.microsoft.com/en-us/graph/delta-query-overview#synchronization-reset).
      if (!found || found.folderId !== folder.id)
        return errorAnswer(410, 'syncStateNotFound', 'The sync state is not found.');
      if (found.generation !== this.generation)
        return errorAnswer(410, 'resyncRequired', 'Resync required. Replace any local cached copies.');
      if (skipToken !== null) {
        state = { ...found };
      } else {
        state = this.newRound(folder.id, found.since, found.immutable, found.select, found.receivedSince);
      }
    } else {
      // message: delta supports only `receivedDateTime ge|gt {value}` as $filter.
      const filter = query.get('$filter');
      const since = filter === null ? null : /^receivedDateTime (?:ge|gt) (\S+)$/.exec(filter.trim());
      if (filter !== null && !since) return errorAnswer(400, 'BadRequest', 'Unsupported $filter for delta.');
      state = this.newRound(folder.id, 0, immutable, selectOf(query), since ? new Date(since[1]!).toISOString() : null);
    }
    state.pageSize = pageSize;
    const slice = state.items.slice(state.offset, state.offset + state.pageSize);
    state.offset += slice.length;
    const value = slice.map((item) => {
      if (item.removed) {
        const id = state.immutable ? item.removed.immutableId : item.removed.restId;
        return { '@odata.type': '#microsoft.graph.message', id, '@removed': { reason: item.removed.reason } };
      }
      const message = this.messages.get(item.immutableId);
      // Changed again (moved, deleted) since the round began: the next round reports it.
      if (!message || message.folderId !== folder.id) return null;
      return { '@odata.type': '#microsoft.graph.message', ...this.messageJson(message, state.select, state.immutable) };
    });
    const body: Record<string, unknown> = {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(message)',
      value: value.filter((entry) => entry !== null),
    };
    const link = `${this.url}/v1.0${path}`;
    if (state.offset < state.items.length) {
      const token = opaqueToken();
      this.syncStates.set(token, state);
      body['@odata.nextLink'] = `${link}?$skiptoken=${token}`;
    } else {
      const token = opaqueToken();
      this.syncStates.set(token, { ...state, since: state.roundSeq, items: [], offset: 0 });
      body['@odata.deltaLink'] = `${link}?$deltatoken=${token}`;
    }
    const headers: Record<string, string> = {};
    if (prefer.has('odata.maxpagesize')) headers['preference-applied'] = `odata.maxpagesize=${state.pageSize}`;
    return json(200, body, headers);
  }

  private newRound(
    folderId: string,
    since: number,
    immutable: boolean,
    select: string[] | null,
    receivedSince: string | null,
  ): SyncState {
    const changed = [...this.messages.values()]
      .filter((message) => message.folderId === folderId && message.seq > since)
      .filter(
        (message) =>
          !receivedSince || new Date(String(message.json['receivedDateTime'])).toISOString() >= receivedSince,
      )
      .sort((a, b) => String(b.json['receivedDateTime']).localeCompare(String(a.json['receivedDateTime'])));
    // A first round lists only what is in the folder; later rounds add what left it since.
    const removed = since === 0 ? [] : this.tombstones.filter((t) => t.folderId === folderId && t.seq > since);
    const present = new Set(changed.map((message) => message.immutableId));
    const items = [
      ...changed.map((message) => ({ immutableId: message.immutableId, removed: null })),
      ...removed.filter((t) => !present.has(t.immutableId)).map((t) => ({ immutableId: t.immutableId, removed: t })),
    ];
    return {
      folderId,
      generation: this.generation,
      immutable,
      select,
      pageSize: 10,
      since,
      receivedSince,
      items,
      offset: 0,
      roundSeq: this.seq,
    };
  }

  private messageJson(message: StoredMessage, select: string[] | null, immutable: boolean): Record<string, unknown> {
    const full: Record<string, unknown> = {
      '@odata.etag': `W/"${message.changeKey}"`,
      id: immutable ? message.immutableId : message.restId,
      lastModifiedDateTime: message.lastModified,
      changeKey: message.changeKey,
      ...message.json,
      parentFolderId: message.folderId,
      isRead: message.isRead,
      flag: { flagStatus: message.flagStatus },
    };
    if (!select) {
      delete full['internetMessageHeaders'];
      return full;
    }
    // $select: the named properties plus id (https://learn.microsoft.com/en-us/graph/query-parameters#select-parameter).
    const out: Record<string, unknown> = { '@odata.etag': full['@odata.etag'], id: full['id'] };
    for (const name of select) if (name in full) out[name] = full[name];
    return out;
  }

  private touch(message: StoredMessage): void {
    this.seq += 1;
    message.seq = this.seq;
    message.changeKey = randomBytes(6).toString('base64url');
    message.lastModified = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  private tombstone(message: StoredMessage, reason: 'deleted' | 'changed'): void {
    this.seq += 1;
    this.tombstones.push({
      folderId: message.folderId,
      immutableId: message.immutableId,
      restId: message.restId,
      seq: this.seq,
      reason,
    });
  }

  private require(immutableId: string): StoredMessage {
    const message = this.messages.get(immutableId);
    if (!message) throw new Error(`No message ${immutableId}`);
    return message;
  }

  private messageOf(id: string): StoredMessage | undefined {
    return this.messages.get(id) ?? this.messages.get(this.restIndex.get(id) ?? '');
  }

  private folderOf(ref: string): FakeFolder | undefined {
    const decoded = decodeURIComponent(ref);
    return (
      this.folders.get(decoded) ??
      [...this.folders.values()].find((folder) => folder.wellKnownName === decoded.toLowerCase())
    );
  }
}

type Answer = { status: number; headers: Record<string, string>; body?: Buffer };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return {
    status,
    headers: { 'content-type': 'application/json; odata.metadata=minimal', ...headers },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** The error shape of https://learn.microsoft.com/en-us/graph/errors. */
function errorAnswer(status: number, code: string, message: string, headers: Record<string, string> = {}): Answer {
  const date = new Date().toISOString();
  return json(status, { error: { code, message, innerError: { date, 'request-id': opaqueToken() } } }, headers);
}

function notFound(): Answer {
  return errorAnswer(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
}

function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, errorAnswer(status, code, message));
}

function lowerHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers))
    if (value !== undefined) out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** `Prefer: odata.maxpagesize=50, IdType="ImmutableId"` (RFC 7240; several Prefer headers are joined by commas). */
export function preferences(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(',')) {
    const [name, value] = part.split('=').map((piece) => piece.trim());
    if (name) out.set(name, (value ?? '').replace(/^"|"$/g, ''));
  }
  return out;
}

function selectOf(query: URLSearchParams): string[] | null {
  const select = query.get('$select');
  return select
    ? select
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean)
    : null;
}

function attachmentJson(
  attachment: StoredMessage['attachments'][number],
  select: string[] | null,
): Record<string, unknown> {
  const full: Record<string, unknown> = {
    '@odata.type': '#microsoft.graph.fileAttachment',
    id: attachment.id,
    name: attachment.name,
    contentType: attachment.contentType,
    size: attachment.size,
    isInline: attachment.isInline,
    contentId: attachment.contentId,
    contentBytes: attachment.content.toString('base64'),
  };
  if (!select) return full;
  const out: Record<string, unknown> = { '@odata.type': full['@odata.type'], id: full['id'] };
  for (const name of select) if (name in full) out[name] = full[name];
  return out;
}

function firstRecipient(value: AddressObject | AddressObject[] | undefined): unknown {
  return recipients(value)[0] ?? null;
}

function recipients(value: AddressObject | AddressObject[] | undefined): unknown[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list
    .flatMap((entry) => entry.value)
    .map((address) => ({
      emailAddress: { name: address.name || address.address || '', address: address.address ?? '' },
    }));
}

function graphId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('base64url')}`;
}

function opaqueToken(): string {
  return randomBytes(18).toString('base64url');
}

function emptyStats(): FakeGraphStats {
  return {
    requests: 0,
    batches: 0,
    batchInner: 0,
    peakConcurrency: 0,
    throttledConcurrency: 0,
    throttledWindow: 0,
    injected: 0,
    acceptedOverLimit: 0,
    unauthorized: 0,
    byPath: {},
  };
}
