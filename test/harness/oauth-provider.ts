import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { AddressInfo } from 'node:net';
import { FakeAuthorizationServer, type FakeOAuthOptions } from '../fakes/oauth/authorization-server.js';
import { providerEnv } from '../fakes/provider-config.js';

/**
 * FakeAuthorizationServer mounted on a small http server of its own on 127.0.0.1, with the one
 * API call each provider's identify() makes (Gmail users.getProfile, Graph /me), bearer-checked.
 */
export type FakeOAuthProvider = {
  readonly auth: FakeAuthorizationServer;
  readonly origin: string;
  /** Core options / env values pointing a provider at this fake. */
  readonly endpoints: {
    authorizationEndpoint: string;
    tokenEndpoint: string;
    revocationEndpoint: string;
    apiBaseUrl: string;
    clientId: string;
    clientSecret?: string;
  };
  /** Requests seen, in order (method and path with the query), for tests that look at the traffic. */
  readonly requests: string[];
  close(): Promise<void>;
};

export async function startFakeOAuthProvider(options: FakeOAuthOptions): Promise<FakeOAuthProvider> {
  const auth = new FakeAuthorizationServer(options);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const route = `${req.method} ${url.pathname}`;
    const identity = (body: (user: string) => unknown): void => {
      const check = auth.checkBearer(req, 'fake');
      if (!check.ok) {
        res.writeHead(check.status, { 'www-authenticate': check.header, 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 401, message: 'Unauthorized' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body(check.user)));
    };
    switch (route) {
      case 'GET /authorize':
        return auth.authorize(url, res);
      case 'POST /token':
        return void auth.token(req, res);
      case 'POST /revoke':
        return void auth.revoke(req, res);
      case 'GET /gmail/v1/users/me/profile':
        return identity((user) => ({ emailAddress: user, messagesTotal: 0, threadsTotal: 0, historyId: '1' }));
      case 'GET /v1.0/me':
        return identity((user) => ({ mail: user, userPrincipalName: user, displayName: 'Alice Example' }));
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    auth,
    origin,
    requests,
    endpoints: {
      authorizationEndpoint: `${origin}/authorize`,
      tokenEndpoint: `${origin}/token`,
      revocationEndpoint: `${origin}/revoke`,
      apiBaseUrl: origin,
      clientId: options.clientId,
      ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Plays the browser: follows the sign-in page's redirect to the loopback listener, as a browser
 * where the user is signed in and clicks Allow would. Returns the loopback page's status and HTML.
 */
export async function playBrowser(
  authorizationUrl: string,
  tamper?: (redirect: URL) => void,
): Promise<{ status: number; html: string; redirect: URL }> {
  const consent = await fetch(authorizationUrl, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (consent.status !== 302 || !location) {
    throw new Error(`the authorization endpoint did not redirect (${consent.status}: ${await consent.text()})`);
  }
  const redirect = new URL(location);
  tamper?.(redirect);
  const back = await fetch(redirect, { redirect: 'manual' });
  return { status: back.status, html: await back.text(), redirect };
}

/** Environment variables pointing a provider at the fake (how a workspace configures its own app). */
export function envFor(prefix: 'CLIENTELE_GMAIL' | 'CLIENTELE_GRAPH', fake: FakeOAuthProvider): NodeJS.ProcessEnv {
  return providerEnv(prefix, fake.endpoints);
}

/** A debug-level Logger whose lines are kept in memory, without redaction, to check what reaches the log. */
export function memoryLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}
