import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../common/errors.js';
import { LoopbackFlow } from '../../main/sync/oauth/loopback-flow.js';
import { GMAIL_SCOPES, GRAPH_SCOPES, resolveProviderConfig } from '../../main/sync/oauth/providers.js';
import {
  memoryLogger,
  playBrowser,
  startFakeOAuthProvider,
  type FakeOAuthProvider,
} from '../harness/oauth-provider.js';

// The loopback flow against FakeAuthorizationServer: this test plays the browser (follows the
// authorization endpoint's redirect to the listener on 127.0.0.1), the flow does the rest.
let google: FakeOAuthProvider;
let microsoft: FakeOAuthProvider;
const flows: LoopbackFlow[] = [];
const { log, lines } = memoryLogger();

beforeAll(async () => {
  google = await startFakeOAuthProvider({
    clientId: 'desktop-client',
    clientSecret: 'not-so-secret',
    scopes: GMAIL_SCOPES,
  });
  microsoft = await startFakeOAuthProvider({ clientId: 'public-client', scopes: GRAPH_SCOPES });
});
afterAll(async () => {
  await google?.close();
  await microsoft?.close();
});
afterEach(() => {
  for (const flow of flows.splice(0)) flow.cancel();
  google.auth.user = 'alice@example.test';
});

async function startFlow(fake = google, provider: 'gmail' | 'graph' = 'gmail', timeoutMs?: number) {
  const opened: string[] = [];
  const config = resolveProviderConfig(provider, fake.endpoints, {});
  const flow = await LoopbackFlow.start({
    config,
    log,
    openBrowser: (url) => {
      opened.push(url);
    },
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  flows.push(flow);
  return { flow, opened };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('loopback OAuth flow (RFC 8252, PKCE S256, state)', () => {
  it('builds a Google authorization URL with PKCE S256, state, a loopback redirect and offline access', async () => {
    const { flow, opened } = await startFlow();
    expect(opened).toEqual([flow.authorizationUrl]);
    const url = new URL(flow.authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(google.endpoints.authorizationEndpoint);
    const q = url.searchParams;
    expect(q.get('client_id')).toBe('desktop-client');
    expect(q.get('response_type')).toBe('code');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(q.get('scope')).toBe(GMAIL_SCOPES.join(' '));
    expect(q.get('access_type')).toBe('offline');
    expect(q.get('prompt')).toBe('consent');
    expect(q.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    // The secret stays out of the URL (it goes to the token endpoint only).
    expect(flow.authorizationUrl).not.toContain('not-so-secret');
  });

  it('exchanges the code (with the verifier) and answers the browser with a page holding no token', async () => {
    const { flow } = await startFlow();
    const before = google.auth.counts.codeExchanges;
    const page = await playBrowser(flow.authorizationUrl);
    const tokens = await flow.result;
    expect(page.status).toBe(200);
    expect(page.html).toContain('You can close this tab');
    expect(page.html).not.toContain(tokens.accessToken);
    expect(page.html).not.toContain(tokens.refreshToken);
    expect(tokens.accessToken).toMatch(/^at\./);
    expect(tokens.refreshToken).toMatch(/^rt\./);
    expect(tokens.scope).toBe(GMAIL_SCOPES.join(' '));
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
    expect(google.auth.counts.codeExchanges).toBe(before + 1);
    // The listener is closed: the port answers nothing any more.
    await expect(fetch(page.redirect)).rejects.toThrow();
  });

  it('works with a Microsoft public client (no secret) and its scopes', async () => {
    const { flow } = await startFlow(microsoft, 'graph');
    expect(new URL(flow.authorizationUrl).searchParams.get('scope')).toBe(GRAPH_SCOPES.join(' '));
    await playBrowser(flow.authorizationUrl);
    const tokens = await flow.result;
    expect(tokens.refreshToken).toMatch(/^rt\./);
  });

  it('sends the real PKCE verifier: a challenge the verifier does not match fails the exchange', async () => {
    const { flow } = await startFlow();
    // The browser (or an attacker in the middle) swaps the challenge for one of another verifier:
    // the server then checks the flow's verifier against it and refuses the code.
    const url = new URL(flow.authorizationUrl);
    url.searchParams.set('code_challenge', createHash('sha256').update('another-verifier').digest('base64url'));
    const page = await playBrowser(url.toString());
    const error = await failure(flow.result);
    expect(error.code).toBe('AUTH');
    expect((error.details as { description?: string }).description).toBe('PKCE verification failed');
    expect(page.html).toContain('could not finish');
  });

  it('refuses a redirect whose state does not match, without exchanging the code', async () => {
    const { flow } = await startFlow();
    const before = google.auth.counts.codeExchanges;
    const page = await playBrowser(flow.authorizationUrl, (redirect) => redirect.searchParams.set('state', 'forged'));
    const error = await failure(flow.result);
    expect(page.status).toBe(400);
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/did not match/);
    expect(google.auth.counts.codeExchanges).toBe(before);
  });

  it('refuses a redirect without a code', async () => {
    const { flow } = await startFlow();
    const page = await playBrowser(flow.authorizationUrl, (redirect) => redirect.searchParams.delete('code'));
    expect(page.status).toBe(400);
    expect((await failure(flow.result)).code).toBe('VALIDATION');
  });

  it('reports access_denied (the user clicked Deny) clearly', async () => {
    google.auth.user = null;
    const { flow } = await startFlow();
    const page = await playBrowser(flow.authorizationUrl);
    const error = await failure(flow.result);
    expect(error.code).toBe('PERMISSION');
    expect(error.message).toMatch(/not granted/);
    expect(page.html).toContain('did not allow');
  });

  it('gives up after the timeout and closes the listener', async () => {
    const { flow } = await startFlow(google, 'gmail', 200);
    const error = await failure(flow.result);
    expect(error.code).toBe('TEMPORARY');
    expect(error.message).toMatch(/No answer/);
    const redirect = new URL(flow.authorizationUrl).searchParams.get('redirect_uri')!;
    await expect(fetch(redirect)).rejects.toThrow();
  });

  it('can be cancelled', async () => {
    const { flow } = await startFlow();
    flow.cancel();
    expect((await failure(flow.result)).code).toBe('NOT_FOUND');
  });

  it('ignores stray requests to other paths on the listener and keeps waiting', async () => {
    const { flow } = await startFlow();
    const redirect = new URL(new URL(flow.authorizationUrl).searchParams.get('redirect_uri')!);
    expect((await fetch(new URL('/favicon.ico', redirect))).status).toBe(404);
    await playBrowser(flow.authorizationUrl);
    await expect(flow.result).resolves.toMatchObject({ scope: GMAIL_SCOPES.join(' ') });
  });

  it('never logs a token', async () => {
    const { flow } = await startFlow();
    await playBrowser(flow.authorizationUrl);
    const tokens = await flow.result;
    const all = lines.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(tokens.accessToken);
    expect(all).not.toContain(tokens.refreshToken);
    expect(all).not.toContain('not-so-secret');
  });
});

describe('provider configuration', () => {
  it('has the providers’ real endpoints by default, and needs a client id', () => {
    expect(() => resolveProviderConfig('gmail', {}, {})).toThrow(/CLIENTELE_GMAIL_CLIENT_ID/);
    const gmail = resolveProviderConfig(
      'gmail',
      {},
      { CLIENTELE_GMAIL_CLIENT_ID: 'id', CLIENTELE_GMAIL_CLIENT_SECRET: 's' },
    );
    expect(gmail).toMatchObject({
      authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenEndpoint: 'https://oauth2.googleapis.com/token',
      revocationEndpoint: 'https://oauth2.googleapis.com/revoke',
      clientId: 'id',
      clientSecret: 's',
      issuer: 'https://accounts.google.com',
    });
    const graph = resolveProviderConfig('graph', {}, { CLIENTELE_GRAPH_CLIENT_ID: 'ms' });
    expect(graph.authorizationEndpoint).toBe('https://login.microsoftonline.com/common/oauth2/v2.0/authorize');
    expect(graph.tokenEndpoint).toBe('https://login.microsoftonline.com/common/oauth2/v2.0/token');
    expect(graph.scopes).toContain('offline_access');
    expect(graph.clientSecret).toBeUndefined();
    const tenant = resolveProviderConfig(
      'graph',
      {},
      { CLIENTELE_GRAPH_CLIENT_ID: 'ms', CLIENTELE_GRAPH_TENANT: 'contoso.com' },
    );
    expect(tenant.tokenEndpoint).toBe('https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token');
  });

  it('refuses endpoints that are not https (plain http only on 127.0.0.1)', () => {
    const env = { CLIENTELE_GMAIL_CLIENT_ID: 'id', CLIENTELE_GMAIL_TOKEN_URL: 'http://tokens.example.com/token' };
    expect(() => resolveProviderConfig('gmail', {}, env)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() => resolveProviderConfig('gmail', { authorizationEndpoint: 'not a url' }, env)).toThrow(
      /not an https URL/,
    );
    expect(resolveProviderConfig('gmail', { tokenEndpoint: 'http://127.0.0.1:9/token' }, env).tokenEndpoint).toBe(
      'http://127.0.0.1:9/token',
    );
  });

  it('lets core options override the environment', () => {
    const config = resolveProviderConfig(
      'gmail',
      { clientId: 'from-options' },
      { CLIENTELE_GMAIL_CLIENT_ID: 'from-env' },
    );
    expect(config.clientId).toBe('from-options');
  });
});
