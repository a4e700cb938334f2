import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeAuthorizationServer, type FakeOAuthOptions } from '../oauth/authorization-server.js';
import {
  decodeCharset,
  headerValue,
  leavesOf,
  parseHeaders,
  parseMime,
  splitMultipart,
  type MimeNode,
} from './mime.js';

/**
 * A fake of the Gmail REST API v1 (https://developers.google.com/gmail/api/reference/rest) for
 * the calls the Gmail driver makes, on node:http at 127.0.0.1 and a random port, with Google's
 * OAuth endpoints (test/fakes/oauth) mounted at Google's paths. Every API request's bearer token is
 * checked (RFC 6750); quota is charged per user over a sliding minute with the published costs.
 *
 * Simplifications (documented, not hidden): one thread per message (threadId = id); `q` understands
 * `after:`/`before:` only; `metadata` and `full` payloads come from a small MIME splitter; every
 * part with a file name gets an attachmentId (Gmail also moves very large bodies out of line).
 */

export const GMAIL_SCOPES = [
  'https://www.googleapis.com/auth/gmail.readonly',
  'https://www.googleapis.com/auth/gmail.modify',
  'https://mail.google.com/',
  'https://www.googleapis.com/auth/gmail.send',
  'https://www.googleapis.com/auth/userinfo.email',
  'openid',
  'email',
];
const READ_SCOPES = new Set(GMAIL_SCOPES.slice(0, 3));

/** https://developers.google.com/gmail/api/reference/quota (quota units per method). */
export const QUOTA_COSTS = {
  getProfile: 1,
  'labels.list': 1,
  'messages.list': 5,
  'messages.get': 5,
  'messages.attachments.get': 5,
  'history.list': 2,
} as const;
export type GmailMethod = keyof typeof QUOTA_COSTS;

/** Gmail's system labels (https://developers.google.com/gmail/api/guides/labels#system_labels). */
const SYSTEM_LABELS = [
  'INBOX',
  'SENT',
  'DRAFT',
  'SPAM',
  'TRASH',
  'UNREAD',
  'STARRED',
  'IMPORTANT',
  'CHAT',
  'CATEGORY_PERSONAL',
  'CATEGORY_SOCIAL',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_UPDATES',
  'CATEGORY_FORUMS',
];

type StoredMessage = {
  id: string;
  threadId: string;
  raw: Buffer;
  labelIds: Set<string>;
  internalDate: number;
  historyId: number;
  mime: MimeNode;
};

type HistoryType = 'messageAdded' | 'messageDeleted' | 'labelAdded' | 'labelRemoved';
type HistoryRecord = {
  id: number;
  type: HistoryType;
  messageId: string;
  threadId: string;
  /** The message's labels after the change (before it, for a deletion). */
  labelIds: string[];
  /** The labels added or removed. */
  changed: string[];
};

type Mailbox = {
  email: string;
  messages: Map<string, StoredMessage>;
  labels: Map<string, { id: string; name: string; type: 'system' | 'user' }>;
  historyId: number;
  history: HistoryRecord[];
  /** The oldest startHistoryId still answered (older: 404). */
  historyFloor: number;
  spends: { at: number; units: number }[];
};

type ApiRequest = { method: string; url: URL; authorization: string | undefined };
type ApiResponse = { status: number; headers: Record<string, string>; body: string };

export type FakeGmailStats = {
  requests: number;
  /** HTTP requests (a batch counts once) and inner calls (a batch counts each of its parts). */
  httpRequests: number;
  units: number;
  byMethod: Record<string, number>;
  /** Calls that arrived while their cost did not fit the user's quota window (answered 429). */
  overQuota: number;
  injected: number;
  batches: number;
  unauthorized: number;
};

export type FakeGmailOptions = {
  /** Quota units per user per window (Gmail: 15,000 per minute). */
  quotaUnits?: number;
  quotaWindowMs?: number;
  oauth?: Partial<FakeOAuthOptions>;
  now?: () => number;
};

export class FakeGmailServer {
  readonly oauth: FakeAuthorizationServer;
  readonly clientId: string;
  readonly clientSecret: string;
  stats: FakeGmailStats = emptyStats();
  /** Injected failures, served before quota to the next calls (inner batch calls included). */
  private failures: { status: 429 | 503; retryAfterSeconds: number; reason?: string }[] = [];
  private readonly mailboxes = new Map<string, Mailbox>();
  private readonly quotaUnits: number;
  private readonly quotaWindowMs: number;
  private readonly now: () => number;
  private nextId = 0x18c2a4b000000000n;
  private server: Server | null = null;
  private baseUrl = '';

  constructor(options: FakeGmailOptions = {}) {
    this.clientId = options.oauth?.clientId ?? 'fake-client.apps.googleusercontent.com';
    this.clientSecret = options.oauth?.clientSecret ?? 'fake-desktop-secret';
    this.oauth = new FakeAuthorizationServer({
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      scopes: GMAIL_SCOPES,
      ...options.oauth,
    });
    this.quotaUnits = options.quotaUnits ?? 15_000;
    this.quotaWindowMs = options.quotaWindowMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  static async start(options: FakeGmailOptions = {}): Promise<FakeGmailServer> {
    const fake = new FakeGmailServer(options);
    await fake.listen();
    return fake;
  }

  /** The API root the client's `rootUrl` points at (with a trailing slash, like https://gmail.googleapis.com/). */
  get rootUrl(): string {
    return `${this.baseUrl}/`;
  }

  get tokenUrl(): string {
    return `${this.baseUrl}/token`;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- test controls ----

  /** A token pair for an already-connected account (see FakeAuthorizationServer.grant). */
  grant(user = 'alice@example.test', scopes = GMAIL_SCOPES.slice(0, 1)) {
    this.mailbox(user);
    return this.oauth.grant(user, scopes);
  }

  /** Stores a raw RFC 5322 message with labels (as delivery or an import would): messageAdded. */
  addMessage(
    raw: Buffer | string,
    options: { labelIds?: string[]; internalDate?: Date; user?: string } = {},
  ): { id: string; threadId: string } {
    const box = this.mailbox(options.user);
    const source = typeof raw === 'string' ? Buffer.from(raw) : raw;
    const mime = parseMime(source);
    const dateHeader = headerValue(mime.headers, 'date');
    const parsedDate = dateHeader ? Date.parse(dateHeader) : NaN;
    const internalDate = options.internalDate?.getTime() ?? (Number.isNaN(parsedDate) ? this.now() : parsedDate);
    this.nextId += 1n + BigInt(Math.floor(Math.random() * 16));
    const id = this.nextId.toString(16);
    const labelIds = new Set(options.labelIds ?? ['INBOX', 'UNREAD']);
    for (const label of labelIds) this.ensureLabel(box, label);
    const message: StoredMessage = { id, threadId: id, raw: source, labelIds, internalDate, historyId: 0, mime };
    box.messages.set(id, message);
    this.record(box, message, 'messageAdded', [...labelIds]);
    return { id, threadId: id };
  }

  /** users.messages.modify as the user's other client would do it: labelAdded / labelRemoved. */
  modifyLabels(id: string, add: string[], remove: string[] = [], user?: string): void {
    const box = this.mailbox(user);
    const message = box.messages.get(id);
    if (!message) throw new Error(`no message ${id}`);
    const added = add.filter((label) => !message.labelIds.has(label));
    const removed = remove.filter((label) => message.labelIds.has(label));
    for (const label of added) {
      this.ensureLabel(box, label);
      message.labelIds.add(label);
    }
    for (const label of removed) message.labelIds.delete(label);
    if (added.length > 0) this.record(box, message, 'labelAdded', added);
    if (removed.length > 0) this.record(box, message, 'labelRemoved', removed);
  }

  /** users.messages.delete (permanent, not to Trash): messageDeleted. */
  deleteMessage(id: string, user?: string): void {
    const box = this.mailbox(user);
    const message = box.messages.get(id);
    if (!message) throw new Error(`no message ${id}`);
    box.messages.delete(id);
    this.record(box, message, 'messageDeleted', []);
  }

  /** A user label (users.labels.create); returns its id. */
  createLabel(name: string, user?: string): string {
    const box = this.mailbox(user);
    const existing = [...box.labels.values()].find((label) => label.name === name);
    if (existing) return existing.id;
    const id = `Label_${box.labels.size + 1}`;
    box.labels.set(id, { id, name, type: 'user' });
    return id;
  }

  /** Drops all history: every startHistoryId handed out so far now answers 404. */
  expireHistory(user?: string): void {
    const box = this.mailbox(user);
    box.historyId += 1;
    box.history = [];
    box.historyFloor = box.historyId;
  }

  /** The next `count` calls fail with this status and a Retry-After header. */
  injectFailures(count: number, status: 429 | 503, retryAfterSeconds = 1): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, retryAfterSeconds });
  }

  resetStats(): void {
    this.stats = emptyStats();
  }

  messageIds(user?: string): string[] {
    return [...this.mailbox(user).messages.keys()];
  }

  labelsOf(id: string, user?: string): string[] {
    return [...(this.mailbox(user).messages.get(id)?.labelIds ?? [])];
  }

  currentHistoryId(user?: string): number {
    return this.mailbox(user).historyId;
  }

  // ---- HTTP ----

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = req.method ?? 'GET';
    // https://developers.google.com/identity/protocols/oauth2/native-app (endpoints)
    if (method === 'GET' && url.pathname === '/o/oauth2/v2/auth') return this.oauth.authorize(url, res);
    if (method === 'POST' && url.pathname === '/token') return this.oauth.token(req, res);
    if (method === 'POST' && url.pathname === '/revoke') return this.oauth.revoke(req, res);
    // https://developers.google.com/gmail/api/guides/batch
    if (method === 'POST' && (url.pathname === '/batch/gmail/v1' || url.pathname === '/batch')) {
      return this.batch(req, res);
    }
    this.stats.httpRequests += 1;
    const answer = this.api({ method, url, authorization: req.headers.authorization });
    res.writeHead(answer.status, answer.headers).end(answer.body);
  }

  /**
   * https://developers.google.com/gmail/api/guides/batch — POST /batch/gmail/v1 with a
   * multipart/mixed body, each part `Content-Type: application/http` holding one request line (and
   * optional headers); the outer Authorization applies to every part. The response is a
   * multipart/mixed whose parts are `application/http` responses with `Content-ID:
   * <response-ID>` for the request part's Content-ID ID. Up to 100 calls per batch; each inner call
   * is charged (and may be refused) on its own.
   */
  private async batch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.httpRequests += 1;
    this.stats.batches += 1;
    const boundary = /boundary="?([^";]+)"?/i.exec(req.headers['content-type'] ?? '')?.[1];
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (!/^multipart\/mixed/i.test(req.headers['content-type'] ?? '') || !boundary) {
      const error = googleError(400, 'Invalid multipart request.', 'badRequest', 'INVALID_ARGUMENT');
      res.writeHead(error.status, error.headers).end(error.body);
      return;
    }
    const outerAuth = req.headers.authorization;
    const check = this.oauth.checkBearer(fakeRequest(outerAuth), 'https://accounts.google.com/');
    if (!check.ok) {
      this.stats.unauthorized += 1;
      const error = unauthorized(check.header);
      res.writeHead(error.status, error.headers).end(error.body);
      return;
    }
    const parts = splitMultipart(Buffer.concat(chunks).toString('latin1'), boundary);
    if (parts.length > 100) {
      const error = googleError(400, 'Too many requests in batch (max 100).', 'badRequest', 'INVALID_ARGUMENT');
      res.writeHead(error.status, error.headers).end(error.body);
      return;
    }
    const out = `batch_${Math.random().toString(36).slice(2)}`;
    const pieces: string[] = [];
    for (const part of parts) {
      const [outerHead, inner] = splitOnce(part);
      const contentId = headerValue(parseHeaders(outerHead), 'content-id');
      const [requestLine = '', ...innerHeaderLines] = inner.split(/\r?\n/);
      const innerHeaders = parseHeaders(innerHeaderLines.join('\r\n').split(/\r?\n\r?\n/)[0] ?? '');
      const [innerMethod = 'GET', target = '/'] = requestLine.trim().split(/\s+/);
      const answer = this.api({
        method: innerMethod,
        url: new URL(target, this.baseUrl),
        authorization: headerValue(innerHeaders, 'authorization') ?? outerAuth,
      });
      const responseId = contentId ? `<response-${contentId.replace(/^<|>$/g, '')}>` : undefined;
      const head = [
        'Content-Type: application/http',
        ...(responseId ? [`Content-ID: ${responseId}`] : []),
        '',
        `HTTP/1.1 ${answer.status} ${STATUS_TEXT[answer.status] ?? 'Status'}`,
        ...Object.entries(answer.headers).map(([name, value]) => `${name}: ${value}`),
        `Content-Length: ${Buffer.byteLength(answer.body)}`,
        '',
        answer.body,
      ];
      pieces.push(`--${out}\r\n${head.join('\r\n')}`);
    }
    res.writeHead(200, { 'content-type': `multipart/mixed; boundary=${out}` });
    res.end(`${pieces.join('\r\n')}\r\n--${out}--\r\n`);
  }

  /** One API call (top level or inside a batch): auth, injected failures, quota, then the method. */
  private api(request: ApiRequest): ApiResponse {
    this.stats.requests += 1;
    const match = /^\/gmail\/v1\/users\/([^/]+)\/(.*)$/.exec(request.url.pathname);
    const found = match ? resolve(request.method, match[2]!) : null;
    if (!match || !found) {
      return googleError(404, `Method not found: ${request.method} ${request.url.pathname}`, 'notFound', 'NOT_FOUND');
    }
    const check = this.oauth.checkBearer(fakeRequest(request.authorization), 'https://accounts.google.com/');
    if (!check.ok) {
      this.stats.unauthorized += 1;
      return unauthorized(check.header);
    }
    if (!check.scopes.some((scope) => READ_SCOPES.has(scope))) {
      // https://developers.google.com/gmail/api/guides/handle-errors (403 insufficient permissions)
      return {
        ...googleError(
          403,
          'Request had insufficient authentication scopes.',
          'insufficientPermissions',
          'PERMISSION_DENIED',
        ),
        headers: {
          'content-type': 'application/json; charset=UTF-8',
          'www-authenticate': `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${GMAIL_SCOPES[0]}"`,
        },
      };
    }
    const userId = decodeURIComponent(match[1]!);
    if (userId !== 'me' && userId !== check.user) {
      return googleError(403, 'Delegation denied for ' + check.user, 'forbidden', 'PERMISSION_DENIED');
    }
    const box = this.mailbox(check.user);
    const failure = this.failures.shift();
    if (failure) {
      this.stats.injected += 1;
      return failure.status === 429
        ? rateLimited(failure.retryAfterSeconds, 'rateLimitExceeded')
        : unavailable(failure.retryAfterSeconds);
    }
    const cost = QUOTA_COSTS[found.method];
    const now = this.now();
    box.spends = box.spends.filter((spend) => spend.at > now - this.quotaWindowMs);
    const spent = box.spends.reduce((sum, spend) => sum + spend.units, 0);
    if (spent + cost > this.quotaUnits) {
      // https://developers.google.com/gmail/api/guides/handle-errors#resolve_a_429_error_too_many_requests
      this.stats.overQuota += 1;
      let freed = 0;
      let until = now + this.quotaWindowMs;
      for (const spend of box.spends) {
        freed += spend.units;
        if (spent - freed + cost <= this.quotaUnits) {
          until = spend.at + this.quotaWindowMs;
          break;
        }
      }
      return rateLimited(Math.max(1, Math.ceil((until - now) / 1000)), 'userRateLimitExceeded');
    }
    box.spends.push({ at: now, units: cost });
    this.stats.units += cost;
    this.stats.byMethod[found.method] = (this.stats.byMethod[found.method] ?? 0) + 1;
    return this.method(box, found.method, found.ids, request.url.searchParams);
  }

  private method(box: Mailbox, method: GmailMethod, ids: string[], q: URLSearchParams): ApiResponse {
    switch (method) {
      case 'getProfile':
        return this.getProfile(box);
      case 'labels.list':
        return this.labelsList(box);
      case 'messages.list':
        return this.messagesList(box, q);
      case 'messages.get':
        return this.messagesGet(box, ids[0]!, q);
      case 'messages.attachments.get':
        return this.attachmentsGet(box, ids[0]!, ids[1]!);
      case 'history.list':
        return this.historyList(box, q);
    }
  }

  // https://developers.google.com/gmail/api/reference/rest/v1/users/getProfile
  private getProfile(box: Mailbox): ApiResponse {
    return json({
      emailAddress: box.email,
      messagesTotal: box.messages.size,
      threadsTotal: box.messages.size,
      historyId: String(box.historyId),
    });
  }

  // https://developers.google.com/gmail/api/reference/rest/v1/users.labels/list
  // (Label resource: https://developers.google.com/gmail/api/reference/rest/v1/users.labels#Label)
  private labelsList(box: Mailbox): ApiResponse {
    return json({
      labels: [...box.labels.values()].map((label) =>
        label.type === 'system'
          ? { id: label.id, name: label.name, type: 'system' }
          : {
              id: label.id,
              name: label.name,
              type: 'user',
              messageListVisibility: 'show',
              labelListVisibility: 'labelShow',
            },
      ),
    });
  }

  // https://developers.google.com/gmail/api/reference/rest/v1/users.messages/list
  // labelIds (repeated; all must match), q (https://developers.google.com/gmail/api/guides/filtering:
  // after:/before: with epoch seconds or YYYY/MM/DD, dates at midnight PST), maxResults (default
  // 100, max 500), pageToken, includeSpamTrash; newest first; resultSizeEstimate.
  private messagesList(box: Mailbox, q: URLSearchParams): ApiResponse {
    const labelIds = q.getAll('labelIds');
    const includeSpamTrash = q.get('includeSpamTrash') === 'true';
    const maxResults = Math.min(500, Math.max(1, Number(q.get('maxResults') ?? 100) || 100));
    const filter = parseQuery(q.get('q') ?? '');
    if (!filter) return googleError(400, 'Invalid query', 'invalidArgument', 'INVALID_ARGUMENT');
    const matching = [...box.messages.values()]
      .filter((message) => labelIds.every((label) => message.labelIds.has(label)))
      .filter(
        (message) =>
          includeSpamTrash ||
          labelIds.includes('SPAM') ||
          labelIds.includes('TRASH') ||
          (!message.labelIds.has('SPAM') && !message.labelIds.has('TRASH')),
      )
      .filter((message) => filter.after === null || message.internalDate >= filter.after)
      .filter((message) => filter.before === null || message.internalDate < filter.before)
      .sort(newestFirst);
    let start = 0;
    const token = q.get('pageToken');
    if (token) {
      const position = decodePageToken(token);
      if (!position) return googleError(400, 'Invalid pageToken', 'invalidArgument', 'INVALID_ARGUMENT');
      start = matching.findIndex((message) => newestFirst(message, position) > 0);
      if (start < 0) start = matching.length;
    }
    const page = matching.slice(start, start + maxResults);
    const last = page[page.length - 1];
    const more = start + maxResults < matching.length;
    return json({
      ...(page.length > 0 ? { messages: page.map((message) => ({ id: message.id, threadId: message.threadId })) } : {}),
      ...(more && last ? { nextPageToken: encodePageToken(last) } : {}),
      resultSizeEstimate: matching.length,
    });
  }

  // https://developers.google.com/gmail/api/reference/rest/v1/users.messages/get
  // format: minimal | metadata (with metadataHeaders) | full (default) | raw
  // (https://developers.google.com/gmail/api/reference/rest/v1/Format); Message resource:
  // https://developers.google.com/gmail/api/reference/rest/v1/users.messages#Message
  private messagesGet(box: Mailbox, id: string, q: URLSearchParams): ApiResponse {
    const message = box.messages.get(id);
    if (!message) return notFound();
    const format = (q.get('format') ?? 'full').toLowerCase();
    if (!['minimal', 'metadata', 'full', 'raw'].includes(format)) {
      return googleError(400, `Invalid format: ${format}`, 'invalidArgument', 'INVALID_ARGUMENT');
    }
    const base = {
      id: message.id,
      threadId: message.threadId,
      labelIds: [...message.labelIds],
      snippet: snippetOf(message.mime),
      sizeEstimate: message.raw.length,
      historyId: String(message.historyId),
      internalDate: String(message.internalDate),
    };
    if (format === 'minimal') return json(base);
    if (format === 'raw') return json({ ...base, raw: message.raw.toString('base64url') });
    if (format === 'metadata') {
      const wanted = q.getAll('metadataHeaders').map((name) => name.toLowerCase());
      const headers = message.mime.headers.filter(
        (header) => wanted.length === 0 || wanted.includes(header.name.toLowerCase()),
      );
      return json({ ...base, payload: { mimeType: message.mime.mimeType, headers } });
    }
    return json({ ...base, payload: toPayload(message.id, message.mime, '') });
  }

  // https://developers.google.com/gmail/api/reference/rest/v1/users.messages.attachments/get
  // (MessagePartBody: https://developers.google.com/gmail/api/reference/rest/v1/users.messages.attachments#MessagePartBody)
  private attachmentsGet(box: Mailbox, messageId: string, attachmentId: string): ApiResponse {
    const message = box.messages.get(messageId);
    if (!message) return notFound();
    const partId = partIdOfAttachment(messageId, attachmentId);
    const part = partId === null ? undefined : findPart(message.mime, '', partId);
    if (!part) return notFound();
    return json({ attachmentId, size: part.content.length, data: part.content.toString('base64url') });
  }

  // https://developers.google.com/gmail/api/reference/rest/v1/users.history/list
  // startHistoryId (required; records after it), labelId, historyTypes (repeated), maxResults
  // (default 100, max 500), pageToken; "A historyId is typically valid for at least a week ... If
  // you receive HTTP 404 error response, your application should perform a full sync."
  // (https://developers.google.com/gmail/api/guides/sync#partial_synchronization)
  private historyList(box: Mailbox, q: URLSearchParams): ApiResponse {
    const startText = q.get('startHistoryId');
    if (!startText || !/^\d+$/.test(startText)) {
      return googleError(400, 'Missing or invalid startHistoryId', 'invalidArgument', 'INVALID_ARGUMENT');
    }
    const start = Number(startText);
    if (start < box.historyFloor) return notFound();
    const labelId = q.get('labelId');
    const types = q.getAll('historyTypes');
    const maxResults = Math.min(500, Math.max(1, Number(q.get('maxResults') ?? 100) || 100));
    const after = q.get('pageToken') ? Number(Buffer.from(q.get('pageToken')!, 'base64url').toString()) : start;
    if (!Number.isFinite(after)) return googleError(400, 'Invalid pageToken', 'invalidArgument', 'INVALID_ARGUMENT');
    const matching = box.history
      .filter((record) => record.id > after)
      .filter((record) => types.length === 0 || types.includes(record.type))
      .filter((record) => !labelId || record.labelIds.includes(labelId) || record.changed.includes(labelId));
    const page = matching.slice(0, maxResults);
    const more = matching.length > maxResults;
    const last = page[page.length - 1];
    return json({
      ...(page.length > 0 ? { history: page.map(historyJson) } : {}),
      ...(more && last ? { nextPageToken: Buffer.from(String(last.id)).toString('base64url') } : {}),
      historyId: String(box.historyId),
    });
  }

  private record(box: Mailbox, message: StoredMessage, type: HistoryType, changed: string[]): void {
    box.historyId += 1 + Math.floor(Math.random() * 3);
    message.historyId = box.historyId;
    box.history.push({
      id: box.historyId,
      type,
      messageId: message.id,
      threadId: message.threadId,
      labelIds: [...message.labelIds],
      changed,
    });
  }

  private mailbox(user = 'alice@example.test'): Mailbox {
    let box = this.mailboxes.get(user);
    if (!box) {
      box = {
        email: user,
        messages: new Map(),
        labels: new Map(SYSTEM_LABELS.map((id) => [id, { id, name: id, type: 'system' as const }])),
        historyId: 1000,
        history: [],
        historyFloor: 0,
        spends: [],
      };
      this.mailboxes.set(user, box);
    }
    return box;
  }

  private ensureLabel(box: Mailbox, id: string): void {
    if (!box.labels.has(id)) box.labels.set(id, { id, name: id, type: 'user' });
  }
}

function emptyStats(): FakeGmailStats {
  return {
    requests: 0,
    httpRequests: 0,
    units: 0,
    byMethod: {},
    overQuota: 0,
    injected: 0,
    batches: 0,
    unauthorized: 0,
  };
}

function resolve(method: string, rest: string): { method: GmailMethod; ids: string[] } | null {
  if (method !== 'GET') return null;
  if (rest === 'profile') return { method: 'getProfile', ids: [] };
  if (rest === 'labels') return { method: 'labels.list', ids: [] };
  if (rest === 'messages') return { method: 'messages.list', ids: [] };
  if (rest === 'history') return { method: 'history.list', ids: [] };
  let match = /^messages\/([^/]+)$/.exec(rest);
  if (match) return { method: 'messages.get', ids: [decodeURIComponent(match[1]!)] };
  match = /^messages\/([^/]+)\/attachments\/([^/]+)$/.exec(rest);
  if (match) return { method: 'messages.attachments.get', ids: [match[1]!, decodeURIComponent(match[2]!)] };
  return null;
}

function historyJson(record: HistoryRecord) {
  const message = { id: record.messageId, threadId: record.threadId };
  const withLabels = { ...message, labelIds: record.labelIds };
  const body = {
    messageAdded: { messagesAdded: [{ message: withLabels }] },
    messageDeleted: { messagesDeleted: [{ message }] },
    labelAdded: { labelsAdded: [{ message: withLabels, labelIds: record.changed }] },
    labelRemoved: { labelsRemoved: [{ message: withLabels, labelIds: record.changed }] },
  }[record.type];
  return { id: String(record.id), messages: [message], ...body };
}

type Position = { internalDate: number; id: string };

function newestFirst(a: Position, b: Position): number {
  if (a.internalDate !== b.internalDate) return b.internalDate - a.internalDate;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function encodePageToken(position: Position): string {
  return Buffer.from(JSON.stringify([position.internalDate, position.id])).toString('base64url');
}

function decodePageToken(token: string): Position | null {
  try {
    const [internalDate, id] = JSON.parse(Buffer.from(token, 'base64url').toString()) as [number, string];
    return typeof internalDate === 'number' && typeof id === 'string' ? { internalDate, id } : null;
  } catch {
    return null;
  }
}

/** after:/before: terms (epoch seconds, or YYYY/MM/DD at midnight PST); null for anything else. */
function parseQuery(q: string): { after: number | null; before: number | null } | null {
  const result = { after: null as number | null, before: null as number | null };
  for (const term of q.split(/\s+/).filter(Boolean)) {
    const match = /^(after|before|older|newer):(\S+)$/i.exec(term);
    if (!match) return null;
    const value = match[2]!;
    let ms: number;
    if (/^\d+$/.test(value)) ms = Number(value) * 1000;
    else {
      const date = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
      if (!date) return null;
      ms = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]), 8);
    }
    const kind = match[1]!.toLowerCase();
    if (kind === 'after' || kind === 'newer') result.after = ms;
    else result.before = ms;
  }
  return result;
}

/**
 * MessagePart (https://developers.google.com/gmail/api/reference/rest/v1/users.messages#MessagePart):
 * partId ("" for the root, "0", "1", "0.1" below), mimeType, filename, headers, body
 * (MessagePartBody: size, data base64url, or attachmentId for an attachment), parts.
 */
function toPayload(messageId: string, node: MimeNode, partId: string): unknown {
  const base = { partId, mimeType: node.mimeType, filename: node.filename ?? '', headers: node.headers };
  if (node.children) {
    return {
      ...base,
      body: { size: 0 },
      parts: node.children.map((child, index) =>
        toPayload(messageId, child, partId === '' ? String(index) : `${partId}.${index}`),
      ),
    };
  }
  if (node.filename) {
    return { ...base, body: { attachmentId: attachmentIdOf(messageId, partId), size: node.content.length } };
  }
  return {
    ...base,
    body: {
      size: node.content.length,
      ...(node.content.length > 0 ? { data: node.content.toString('base64url') } : {}),
    },
  };
}

/** Opaque to the client (Gmail's are long random strings); here the part id, sealed to the message. */
function attachmentIdOf(messageId: string, partId: string): string {
  return `ANGjdJ${Buffer.from(`${messageId}/${partId}`).toString('base64url')}`;
}

function partIdOfAttachment(messageId: string, attachmentId: string): string | null {
  if (!attachmentId.startsWith('ANGjdJ')) return null;
  const [id, partId] = Buffer.from(attachmentId.slice(6), 'base64url').toString().split('/');
  return id === messageId && partId !== undefined ? partId : null;
}

function findPart(node: MimeNode, partId: string, wanted: string): MimeNode | undefined {
  if (partId === wanted) return node;
  return node.children
    ?.map((child, index) => findPart(child, partId === '' ? String(index) : `${partId}.${index}`, wanted))
    .find(Boolean);
}

function snippetOf(mime: MimeNode): string {
  const text = leavesOf(mime).find((leaf) => leaf.mimeType === 'text/plain' && !leaf.filename);
  if (!text) return '';
  const decoded = decodeCharset(text.content, text.params.charset ?? 'utf-8')
    .replace(/\s+/g, ' ')
    .trim();
  return decoded
    .slice(0, 200)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function splitOnce(part: string): [string, string] {
  const match = /\r?\n\r?\n/.exec(part);
  if (!match) return [part, ''];
  return [part.slice(0, match.index), part.slice(match.index + match[0].length)];
}

function fakeRequest(authorization: string | undefined): IncomingMessage {
  return { headers: { authorization } } as unknown as IncomingMessage;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

function json(body: unknown): ApiResponse {
  return { status: 200, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: JSON.stringify(body) };
}

/**
 * Google's JSON error body (https://cloud.google.com/apis/design/errors#http_mapping and
 * https://developers.google.com/gmail/api/guides/handle-errors):
 * { error: { code, message, errors: [{ message, domain, reason }], status } }.
 */
export function googleError(
  code: number,
  message: string,
  reason: string,
  status: string,
  domain = 'global',
  headers: Record<string, string> = {},
): ApiResponse {
  return {
    status: code,
    headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
    body: JSON.stringify({ error: { code, message, errors: [{ message, domain, reason }], status } }),
  };
}

function notFound(): ApiResponse {
  return googleError(404, 'Requested entity was not found.', 'notFound', 'NOT_FOUND');
}

// https://developers.google.com/gmail/api/guides/handle-errors#resolve_a_401_error_invalid_credentials
function unauthorized(wwwAuthenticate: string): ApiResponse {
  return googleError(
    401,
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    'authError',
    'UNAUTHENTICATED',
    'global',
    { 'www-authenticate': wwwAuthenticate },
  );
}

// https://developers.google.com/gmail/api/guides/handle-errors#resolve_a_429_error_too_many_requests
function rateLimited(retryAfterSeconds: number, reason: 'rateLimitExceeded' | 'userRateLimitExceeded'): ApiResponse {
  const message =
    reason === 'userRateLimitExceeded'
      ? `User-rate limit exceeded.  Retry after ${new Date(Date.now() + retryAfterSeconds * 1000).toISOString()}`
      : 'Rate Limit Exceeded';
  return googleError(429, message, reason, 'RESOURCE_EXHAUSTED', 'usageLimits', {
    'retry-after': String(retryAfterSeconds),
  });
}

// https://developers.google.com/gmail/api/guides/handle-errors#resolve_a_500_error_backend_error
function unavailable(retryAfterSeconds: number): ApiResponse {
  return googleError(503, 'The service is currently unavailable.', 'backendError', 'UNAVAILABLE', 'global', {
    'retry-after': String(retryAfterSeconds),
  });
}

/** The `full` payload the fake serves for a raw message (for unit tests of the client side). */
export function fullPayloadOf(messageId: string, raw: Buffer): unknown {
  return toPayload(messageId, parseMime(raw), '');
}
