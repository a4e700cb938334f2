import * as client from 'openid-client';
import { AppError } from '../../../common/errors.js';
import { LoopbackRedirect, type LoopbackArrival } from '../../platform/loopback-redirect.js';
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
 * (main/platform/loopback-redirect.ts), PKCE S256 (RFC 7636) and a random state. The listener
 * answers the browser with a small page (never a token) and closes after the first real answer.
 */
export class LoopbackFlow {
  readonly authorizationUrl: string;
  readonly redirectUri: string;
  readonly expiresAt: number;
  /** Resolves with the tokens once the browser came back and the code was exchanged. */
  readonly result: Promise<OAuthTokens>;

  private constructor(
    private readonly redirect: LoopbackRedirect,
    private readonly options: LoopbackFlowOptions,
    private readonly configuration: client.Configuration,
    private readonly verifier: string,
    private readonly state: string,
    authorizationUrl: string,
  ) {
    this.redirectUri = redirect.redirectUri;
    this.expiresAt = redirect.expiresAt;
    this.authorizationUrl = authorizationUrl;
    this.result = redirect.arrival.then((arrival) => this.complete(arrival));
    // A flow nobody waits on must not become an unhandled rejection; callers still see it via `result`.
    this.result.catch(() => undefined);
  }

  /** Starts the listener, builds the authorization URL and hands it to openBrowser. */
  static async start(options: LoopbackFlowOptions): Promise<LoopbackFlow> {
    const { config } = options;
    const configuration = clientConfiguration(config);
    const state = client.randomState();
    const redirect = await LoopbackRedirect.start({
      path: CALLBACK_PATH,
      state,
      label: config.label,
      timeoutMs: options.timeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS,
      ...(options.now ? { now: options.now } : {}),
    });
    const verifier = client.randomPKCECodeVerifier();
    let url: URL;
    try {
      url = client.buildAuthorizationUrl(configuration, {
        ...config.extraAuthorizationParams,
        redirect_uri: redirect.redirectUri,
        response_type: 'code',
        scope: config.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
    } catch (error) {
      redirect.close();
      throw error;
    }
    const flow = new LoopbackFlow(redirect, options, configuration, verifier, state, url.href);
    options.log.info(
      { provider: config.provider, port: Number(new URL(redirect.redirectUri).port) },
      'OAuth flow started; waiting for the browser',
    );
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
    this.redirect.cancel(reason);
  }

  get finished(): boolean {
    return this.redirect.finished;
  }

  /** The browser came back with the right state: the provider's error, or a code to exchange. */
  private async complete({ params, respond }: LoopbackArrival): Promise<OAuthTokens> {
    const label = this.options.config.label;
    const error = params.get('error');
    if (error) {
      const denied = error === 'access_denied';
      respond(
        200,
        denied ? 'Access not granted' : 'Sign-in failed',
        denied
          ? `You did not allow Clientele to use your ${label} account. You can close this tab.`
          : `${label} reported an error (${error}). You can close this tab and try again from Clientele.`,
      );
      throw denied
        ? new AppError('PERMISSION', `Access to ${label} was not granted in the browser. Nothing was connected.`, {
            details: { error },
          })
        : new AppError('VALIDATION', `${label} refused the sign-in request (${error}).`, {
            details: { error, description: params.get('error_description') },
          });
    }
    if (!params.get('code')) {
      respond(400, 'Sign-in refused', 'The answer carried no authorization code. Try again from Clientele.');
      throw new AppError('VALIDATION', 'The answer from the browser carried no authorization code. Try again.');
    }
    const current = new URL(this.redirectUri);
    current.search = params.toString();
    try {
      const response = await client.authorizationCodeGrant(this.configuration, current, {
        pkceCodeVerifier: this.verifier,
        expectedState: this.state,
      });
      const tokens = toTokens(response, null, (this.options.now ?? Date.now)());
      respond(200, 'Connected', `Clientele is now connected to your ${label} account. You can close this tab.`);
      return tokens;
    } catch (caught) {
      const mapped = mapTokenError(caught, label);
      this.options.log.warn(
        { provider: this.options.config.provider, code: mapped.code, details: mapped.details },
        'OAuth code exchange failed',
      );
      respond(200, 'Sign-in failed', `Clientele could not finish connecting ${label}: ${mapped.message}`);
      throw mapped;
    }
  }
}
