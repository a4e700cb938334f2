import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Core } from '../core/core.js';
import type { Logger } from '../util/logger.js';
import { isAllowedHost, isAllowedOrigin, parseCookies, safeEqual } from './request-guard.js';
import { SECURITY_HEADERS } from './security-headers.js';
import { readStaticFile } from './static-files.js';

const SESSION_COOKIE = 'clientele_session';
// A CSV import sends its file in the call (common/domain/csv.ts MAX_IMPORT_CHARS, 4 MiB) plus JSON escaping.
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const CALL_PATH = /^\/api\/call\/([A-Za-z0-9.]+)$/;
const EVENTS_PATH = '/api/events';

export type BrowserHost = {
  /** The per-launch link that opens a session; print it, never log it. */
  readonly launchUrl: string;
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
};

export type BrowserHostOptions = {
  core: Pick<Core, 'dispatch' | 'subscribe'>;
  rendererDir: string;
  log: Logger;
  port?: number;
};

/**
 * Serves the renderer and the core's API on 127.0.0.1 for browser mode. Nothing is served
 * without a session, and a session is only opened by the secret link printed at launch.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const launchSecret = randomBytes(32).toString('base64url');
  const sessionId = randomBytes(32).toString('base64url');
  let port = 0;

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log.error({ err: error }, 'browser host request failed');
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'Internal error');
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!isAllowedHost(request.headers.host, port)) {
      send(response, 421, 'text/plain; charset=utf-8', 'Misdirected request: unknown Host.');
      return;
    }
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);

    if (url.pathname === '/session') {
      const given = url.searchParams.get('key') ?? '';
      if (request.method !== 'GET' || !safeEqual(given, launchSecret)) {
        send(
          response,
          403,
          'text/plain; charset=utf-8',
          'This link is not valid. Open the link Clientele printed when it started.',
        );
        return;
      }
      response.writeHead(303, {
        ...SECURITY_HEADERS,
        'set-cookie': `${SESSION_COOKIE}=${sessionId}; HttpOnly; SameSite=Strict; Path=/`,
        location: '/',
        'cache-control': 'no-store',
      });
      response.end();
      return;
    }

    if (!safeEqual(parseCookies(request.headers.cookie).get(SESSION_COOKIE) ?? '', sessionId)) {
      send(
        response,
        401,
        'text/plain; charset=utf-8',
        'No Clientele session. Open the link printed in the terminal where Clientele started.',
      );
      return;
    }

    if (url.pathname === EVENTS_PATH) {
      streamEvents(request, response);
      return;
    }
    const call = CALL_PATH.exec(url.pathname);
    if (call) {
      await handleCall(request, response, call[1]!);
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      sendJson(response, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'Unknown API path.' } });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed');
      return;
    }
    const file = await readStaticFile(options.rendererDir, url.pathname);
    if (!file) {
      send(response, 404, 'text/plain; charset=utf-8', 'Not found');
      return;
    }
    response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.contentType, 'cache-control': 'no-cache' });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  }

  /**
   * Server-Sent Events: the core's events (common/api/events.ts) as `event: <name>` /
   * `data: <json>` records, and a comment every 20 s so that idle proxies and the browser keep the
   * stream open. The session check above already ran; the browser's EventSource reconnects by
   * itself when the stream drops.
   */
  function streamEvents(request: IncomingMessage, response: ServerResponse): void {
    if (request.method !== 'GET') {
      send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed');
      return;
    }
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    const unsubscribe = options.core.subscribe((event) => {
      response.write(`event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`);
    });
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), 20_000);
    heartbeat.unref();
    request.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }

  async function handleCall(request: IncomingMessage, response: ServerResponse, method: string): Promise<void> {
    if (request.method !== 'POST') {
      sendJson(response, 405, { ok: false, error: { code: 'VALIDATION', message: 'Calls are POST requests.' } });
      return;
    }
    // Browsers always send Origin on POST; its absence means a non-browser client or a forgery.
    if (!isAllowedOrigin(request.headers.origin, port)) {
      sendJson(response, 403, { ok: false, error: { code: 'FORBIDDEN', message: 'Cross-origin call refused.' } });
      return;
    }
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      sendJson(response, 415, { ok: false, error: { code: 'VALIDATION', message: 'Calls send application/json.' } });
      return;
    }
    const body = await readBody(request);
    if (body === null) {
      sendJson(response, 413, { ok: false, error: { code: 'VALIDATION', message: 'The request is too large.' } });
      return;
    }
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      sendJson(response, 400, { ok: false, error: { code: 'VALIDATION', message: 'The request body is not JSON.' } });
      return;
    }
    const result = await options.core.dispatch({ transport: 'http' }, method, input);
    sendJson(response, 200, result);
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    launchUrl: `${origin}/session?key=${launchSecret}`,
    origin,
    port,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function readBody(request: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolveBody(tooLarge ? null : Buffer.concat(chunks)));
    request.on('error', rejectBody);
  });
}
