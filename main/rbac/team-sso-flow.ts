import * as client from 'openid-client';
import type { LoginOutput } from '../../common/api/server-auth.js';
import { AppError } from '../../common/errors.js';
import { LoopbackRedirect } from '../platform/loopback-redirect.js';
import type { Logger } from '../util/logger.js';
import type { TeamServerClient } from './team-client.js';

const CALLBACK_PATH = '/sso/callback';
const LABEL = 'your team server';

export type TeamSsoFlowOptions<T> = {
  client: TeamServerClient;
  log: Logger;
  /** Called with the start URL once the listener is up; a failure to open is only logged. */
  openBrowser?: (url: string) => Promise<void> | void;
  timeoutMs: number;
  now?: () => number;
  /** What to do with the session the sign-in gave (enroll); its outcome is what the browser tab says. */
  finish: (login: LoginOutput) => Promise<T>;
};

/**
 * A desktop sign-in through the team server's single sign-on, RFC 8252 style: a one-shot loopback
 * listener on 127.0.0.1, a PKCE verifier of the desktop's own (S256) and a state. The browser goes to
 * the server's SSO start, through the IdP, and back to the loopback with a one-time code that only
 * this verifier can exchange (POST /api/auth/sso/exchange); the session it gives goes to `finish`.
 * The browser tab is answered once that is done, with the true outcome, and never holds a token.
 */
export class TeamSsoFlow<T> {
  readonly result: Promise<T>;

  private constructor(
    private readonly redirect: LoopbackRedirect,
    readonly authorizationUrl: string,
    private readonly verifier: string,
    private readonly options: TeamSsoFlowOptions<T>,
  ) {
    this.result = redirect.arrival.then(async ({ params, respond }) => {
      const code = params.get('code');
      if (!code) {
        // The server refused the sign-in (it says why) or the IdP did: nothing to exchange.
        const why = params.get('error_description') ?? params.get('error') ?? 'no sign-in code came back';
        respond(200, 'Not enrolled', `${why} You can close this tab.`);
        throw new AppError('AUTH', `The team server did not sign you in: ${why}`, {
          details: { error: params.get('error') },
        });
      }
      try {
        const login = await options.client.ssoExchange({
          code,
          codeVerifier: this.verifier,
          redirectUri: redirect.redirectUri,
        });
        const value = await options.finish(login);
        respond(200, 'Enrolled', 'This computer is now enrolled with your team server. You can close this tab.');
        return value;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        respond(200, 'Not enrolled', `Clientele could not finish enrolling: ${message}`);
        throw error;
      }
    });
    // A flow nobody waits on must not become an unhandled rejection; callers still see it via `result`.
    this.result.catch(() => undefined);
  }

  static async start<T>(options: TeamSsoFlowOptions<T>): Promise<TeamSsoFlow<T>> {
    const state = client.randomState();
    const verifier = client.randomPKCECodeVerifier();
    const redirect = await LoopbackRedirect.start({
      path: CALLBACK_PATH,
      state,
      label: LABEL,
      timeoutMs: options.timeoutMs,
      ...(options.now ? { now: options.now } : {}),
    });
    let url: string;
    try {
      url = options.client.ssoStartUrl({
        redirectUri: redirect.redirectUri,
        codeChallenge: await client.calculatePKCECodeChallenge(verifier),
        state,
      });
    } catch (error) {
      redirect.close();
      throw error;
    }
    const flow = new TeamSsoFlow(redirect, url, verifier, options);
    options.log.info(
      { port: Number(new URL(redirect.redirectUri).port) },
      'team SSO sign-in started; waiting for the browser',
    );
    if (options.openBrowser) {
      try {
        await options.openBrowser(url);
      } catch (error) {
        options.log.warn({ reason: (error as Error).message }, 'could not open the browser');
      }
    }
    return flow;
  }

  get expiresAt(): number {
    return this.redirect.expiresAt;
  }

  get finished(): boolean {
    return this.redirect.finished;
  }

  cancel(reason = 'The sign-in was cancelled.'): void {
    this.redirect.cancel(reason);
  }
}
