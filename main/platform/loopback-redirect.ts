import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../common/errors.js';

/** Answers the browser with a small page (never a token) and closes the listener. */
export type RespondPage = (status: number, title: string, message: string) => void;

/** The browser's redirect to the listener, its state already checked. */
export type LoopbackArrival = { params: URLSearchParams; respond: RespondPage };

export type LoopbackRedirectOptions = {
  /** The path the redirect lands on, e.g. /oauth/callback. */
  path: string;
  /** The state the sign-in sent: a redirect with another one is refused before anything else. */
  state: string;
  /** Who the user is signing in with, for the timeout message. */
  label: string;
  timeoutMs: number;
  now?: () => number;
};

/**
 * The one-shot listener of a desktop sign-in (RFC 8252 7.3): http://127.0.0.1:<any free port><path>,
 * waiting for the browser to come back. A redirect without the sign-in's state is refused (the page
 * says so, `arrival` fails with VALIDATION); other paths get 404 and it keeps waiting; after the
 * timeout or a cancel it closes. The first good redirect resolves `arrival`; the caller then
 * finishes its work and answers the browser with `respond`, which closes the listener.
 */
export class LoopbackRedirect {
  readonly redirectUri: string;
  readonly expiresAt: number;
  readonly arrival: Promise<LoopbackArrival>;
  private settle!: { resolve: (arrival: LoopbackArrival) => void; reject: (error: AppError) => void };
  private done = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly server: Server,
    private readonly options: LoopbackRedirectOptions,
  ) {
    const { port } = server.address() as AddressInfo;
    this.redirectUri = `http://127.0.0.1:${port}${options.path}`;
    this.expiresAt = (options.now ?? Date.now)() + options.timeoutMs;
    this.arrival = new Promise<LoopbackArrival>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // A sign-in nobody waits on must not become an unhandled rejection; callers still see it via `arrival`.
    this.arrival.catch(() => undefined);
    this.timer = setTimeout(() => {
      this.finish(
        new AppError(
          'TEMPORARY',
          `No answer from ${options.label} in the browser within ${Math.round(options.timeoutMs / 1000)} seconds. Try again.`,
        ),
      );
    }, options.timeoutMs);
    this.timer.unref();
    server.on('request', (req, res) => this.onRequest(req, res));
  }

  static async start(options: LoopbackRedirectOptions): Promise<LoopbackRedirect> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new LoopbackRedirect(server, options);
  }

  /** Stops waiting: the listener closes and `arrival` fails (NOT_FOUND: there is no sign-in any more). */
  cancel(reason = 'The sign-in was cancelled.'): void {
    this.finish(new AppError('NOT_FOUND', reason));
  }

  /** True once the browser came back, or the wait ended. */
  get finished(): boolean {
    return this.done;
  }

  /** Closes the listener (a caller whose own start failed after this one was up). */
  close(): void {
    clearTimeout(this.timer);
    this.server.close();
    // Browsers keep idle connections open (favicon, preconnect): drop them so the port is released.
    // The answering response closes its own connection ('connection: close') once it is sent.
    this.server.closeIdleConnections();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const current = new URL(req.url ?? '/', this.redirectUri);
    if (req.method !== 'GET' || current.pathname !== this.options.path || this.done) {
      answer(res, 404, 'Not found', 'This page belongs to a sign-in that is over. You can close this tab.');
      return;
    }
    const params = current.searchParams;
    // Refused before anything else happens: a redirect this sign-in did not ask for.
    if (params.get('state') !== this.options.state) {
      answer(
        res,
        400,
        'Sign-in refused',
        'This answer does not belong to the sign-in Clientele started. Try again from Clientele.',
      );
      this.finish(
        new AppError(
          'VALIDATION',
          'The answer from the browser did not match the sign-in Clientele started (state). Nothing was saved; try again.',
        ),
      );
      return;
    }
    this.done = true;
    clearTimeout(this.timer);
    this.settle.resolve({
      params,
      respond: (status, title, message) => {
        answer(res, status, title, message);
        this.close();
      },
    });
  }

  private finish(error: AppError): void {
    if (this.done) return;
    this.done = true;
    this.close();
    this.settle.reject(error);
  }
}

function answer(res: ServerResponse, status: number, title: string, message: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Clientele: ${escapeHtml(title)}</title>` +
      '<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2937}</style>' +
      `</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`,
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
