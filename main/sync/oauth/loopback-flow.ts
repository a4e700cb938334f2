import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { AppError } from '../../../common/errors.js';
import type { Logger } from '../../util/logger.js';
import { clientConfiguration, mapTokenError, toTokens, type OAuthTokens } from './oauth-client.js';
import type { OAuthProviderConfig } from './providers.js';

/** Opens a URL in the user's browser (the system browser: never an embedded web view). */
export type OpenBrowser = (url: string) => Promise<void> | void;

export type LoopbackFlowOptions = {
  config: OAuthProviderConfig;
  log: Logger;
  /** Called with the authorization URL once the listener is up; a failure to open is only logged. */
  openBrowser?: OpenBrowser;
  /** How long to wait for the browser to come back (default 5 minutes). */
  timeoutMs?: number;
  now?: () => number;
};

export const DEFAULT_FLOW_TIMEOUT_MS = 5 * 60_000;
const CALLBACK_PATH = '/oauth/callback';

/**
 * One authorization code flow for an installed app, as RFC 8252 and both providers' desktop
 * guides prescribe: the system browser, a one-shot listener on http://127.0.0.1:<any port>
 * (RFC 8252 7.3), PKCE S256 (RFC 7636) and a random state. The listener answers the browser
 * with a small page (never a token) and closes after the first real answer.
 */
export class LoopbackFlow {
  readonly authorizationUrl: string;
  readonly redirectUri: string;
  readonly expiresAt: number;
  /** Resolves with the tokens once the browser came back and the code was exchanged. */
  readonly result: Promise<OAuthTokens>;
  private settle!: { resolve: (tokens: OAuthTokens) => void; reject: (error: AppError) => void };
  private done = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly server: Server,
    private readonly options: LoopbackFlowOptions,
    private readonly configuration: client.Configuration,
    private readonly verifier: string,
    private readonly state: string,
    redirectUri: string,
    authorizationUrl: string,
  ) {
    this.redirectUri = redirectUri;
    this.authorizationUrl = authorizationUrl;
    const timeoutMs = options.timeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS;
    this.expiresAt = (options.now ?? Date.now)() + timeoutMs;
    this.result = new Promise<OAuthTokens>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // A flow nobody waits on must not become an unhandled rejection; callers still see it via `result`.
    this.result.catch(() => undefined);
    this.timer = setTimeout(() => {
      this.finish(
        new AppError(
          'TEMPORARY',
          `No answer from ${options.config.label} in the browser within ${Math.round(timeoutMs / 1000)} seconds. Try again.`,
        ),
      );
    }, timeoutMs);
    this.timer.unref();
    server.on('request', (req, res) => void this.onRequest(req, res));
  }

  /** Starts the listener, builds the authorization URL and hands it to openBrowser. */
  static async start(options: LoopbackFlowOptions): Promise<LoopbackFlow> {
    const { config } = options;
    const configuration = clientConfiguration(config);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const redirectUri = `http://127.0.0.1:${port}${CALLBACK_PATH}`;
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    let url: URL;
    try {
      url = client.buildAuthorizationUrl(configuration, {
        ...config.extraAuthorizationParams,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: config.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
    } catch (error) {
      server.close();
      throw error;
    }
    const flow = new LoopbackFlow(server, options, configuration, verifier, state, redirectUri, url.href);
    options.log.info({ provider: config.provider, port }, 'OAuth flow started; waiting for the browser');
    if (options.openBrowser) {
      try {
        await options.openBrowser(url.href);
      } catch (error) {
        options.log.warn({ provider: config.provider, reason: (error as Error).message }, 'could not open the browser');
      }
    }
    return flow;
  }

  /** Stops waiting: the listener closes and `result` fails (NOT_FOUND: there is no flow any more). */
  cancel(reason = 'The sign-in was cancelled.'): void {
    this.finish(new AppError('NOT_FOUND', reason));
  }

  get finished(): boolean {
    return this.done;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const current = new URL(req.url ?? '/', this.redirectUri);
    if (req.method !== 'GET' || current.pathname !== CALLBACK_PATH || this.done) {
      answer(res, 404, 'Not found', 'This page belongs to a sign-in that is over. You can close this tab.');
      return;
    }
    const label = this.options.config.label;
    const params = current.searchParams;
    // Refused before anything is sent to the provider: a redirect this flow did not ask for.
    if (params.get('state') !== this.state) {
      answer(
        res,
        400,
        'Sign-in refused',
        'This answer does not belong to the sign-in Clientele started. Try again from Clientele.',
      );
      this.finish(
        new AppError(
          'VALIDATION',
          `The answer from the browser did not match the sign-in Clientele started (state). Nothing was saved; try again.`,
        ),
      );
      return;
    }
    const error = params.get('error');
    if (error) {
      const denied = error === 'access_denied';
      answer(
        res,
        200,
        denied ? 'Access not granted' : 'Sign-in failed',
        denied
          ? `You did not allow Clientele to use your ${label} account. You can close this tab.`
          : `${label} reported an error (${error}). You can close this tab and try again from Clientele.`,
      );
      this.finish(
        denied
          ? new AppError('PERMISSION', `Access to ${label} was not granted in the browser. Nothing was connected.`, {
              details: { error },
            })
          : new AppError('VALIDATION', `${label} refused the sign-in request (${error}).`, {
              details: { error, description: params.get('error_description') },
            }),
      );
      return;
    }
    if (!params.get('code')) {
      answer(res, 400, 'Sign-in refused', 'The answer carried no authorization code. Try again from Clientele.');
      this.finish(new AppError('VALIDATION', 'The answer from the browser carried no authorization code. Try again.'));
      return;
    }
    this.done = true;
    try {
      const response = await client.authorizationCodeGrant(this.configuration, current, {
        pkceCodeVerifier: this.verifier,
        expectedState: this.state,
      });
      const tokens = toTokens(response, null, (this.options.now ?? Date.now)());
      answer(res, 200, 'Connected', `Clientele is now connected to your ${label} account. You can close this tab.`);
      this.close();
      this.settle.resolve(tokens);
    } catch (caught) {
      const mapped = mapTokenError(caught, label);
      this.options.log.warn(
        { provider: this.options.config.provider, code: mapped.code, details: mapped.details },
        'OAuth code exchange failed',
      );
      answer(res, 200, 'Sign-in failed', `Clientele could not finish connecting ${label}: ${mapped.message}`);
      this.close();
      this.settle.reject(mapped);
    }
  }

  private finish(error: AppError): void {
    if (this.done) return;
    this.done = true;
    this.close();
    this.settle.reject(error);
  }

  private close(): void {
    clearTimeout(this.timer);
    this.server.close();
    // Browsers keep idle connections open (favicon, preconnect): drop them so the port is released.
    // The answering response closes its own connection ('connection: close') once it is sent.
    this.server.closeIdleConnections();
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
