import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../common/errors.js';
import { accountTokenSource } from '../../main/sync/oauth/account-token-source.js';
import { GMAIL_SCOPES, resolveProviderConfig, type OAuthProviderConfig } from '../../main/sync/oauth/providers.js';
import {
  OAuthTokenSource,
  oauthSecretName,
  readTokenRecord,
  writeTokenRecord,
  type SecretStore,
} from '../../main/sync/oauth/token-source.js';
import { bodyOf } from '../fakes/oauth/authorization-server.js';
import { memoryLogger, startFakeOAuthProvider, type FakeOAuthProvider } from '../harness/oauth-provider.js';

let google: FakeOAuthProvider;
let config: OAuthProviderConfig;
const { log, lines } = memoryLogger();
const USER = 'alice@example.test';

beforeAll(async () => {
  google = await startFakeOAuthProvider({ clientId: 'desktop-client', clientSecret: 'shh', scopes: GMAIL_SCOPES });
  config = resolveProviderConfig('gmail', google.endpoints, {});
});
afterAll(async () => {
  await google?.close();
});

function memorySecrets(): SecretStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return { values, get: (name) => values.get(name) ?? null, put: (name, value) => void values.set(name, value) };
}

/** An account connected earlier, whose stored access token has `leftMs` to live. */
function connected(leftMs: number, user = USER) {
  const secrets = memorySecrets();
  const granted = google.auth.grant(user);
  writeTokenRecord(secrets, 'acc-1', {
    accessToken: granted.accessToken,
    refreshToken: granted.refreshToken,
    expiresAt: Date.now() + leftMs,
    scope: GMAIL_SCOPES.join(' '),
  });
  const source = new OAuthTokenSource({ accountId: 'acc-1', config, secrets, log });
  return { secrets, granted, source };
}

/** Does the fake API accept this token as a bearer? */
function accepted(token: string): boolean {
  const req = { headers: { authorization: `Bearer ${token}` } } as Parameters<typeof google.auth.checkBearer>[0];
  return google.auth.checkBearer(req, 'test').ok;
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('OAuthTokenSource', () => {
  it('returns the stored token while more than a minute is left, without asking the server', async () => {
    const { source, granted } = connected(10 * 60_000);
    const before = google.auth.counts.refreshes;
    expect(await source.accessToken()).toBe(granted.accessToken);
    expect(google.auth.counts.refreshes).toBe(before);
  });

  it('refreshes a token with less than 60 s left and seals the new one in the store', async () => {
    const { source, secrets, granted } = connected(30_000);
    const before = google.auth.counts.refreshes;
    const token = await source.accessToken();
    expect(token).not.toBe(granted.accessToken);
    expect(accepted(token)).toBe(true);
    expect(google.auth.counts.refreshes).toBe(before + 1);
    const record = readTokenRecord(secrets, 'acc-1')!;
    expect(record.accessToken).toBe(token);
    // Google does not rotate refresh tokens: the old one is kept.
    expect(record.refreshToken).toBe(granted.refreshToken);
    expect(record.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
    // And the next call uses it without another refresh.
    expect(await source.accessToken()).toBe(token);
    expect(google.auth.counts.refreshes).toBe(before + 1);
  });

  it('refreshes an expired token (the API said 401) after invalidate()', async () => {
    const { source, granted } = connected(10 * 60_000);
    google.auth.expireAccessTokens();
    expect(accepted(granted.accessToken)).toBe(false);
    source.invalidate();
    const token = await source.accessToken();
    expect(token).not.toBe(granted.accessToken);
    expect(accepted(token)).toBe(true);
  });

  it('shares one refresh among concurrent callers', async () => {
    const { source } = connected(0);
    const before = google.auth.counts.refreshes;
    const tokens = await Promise.all(Array.from({ length: 8 }, () => source.accessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(google.auth.counts.refreshes).toBe(before + 1);
  });

  it('fails with AUTH (reconnect) when the user revoked the grant, and keeps the record', async () => {
    const user = 'revoked@example.test';
    const { source, secrets } = connected(0, user);
    const stored = secrets.get(oauthSecretName('acc-1'));
    google.auth.revokeUser(user);
    const error = await failure(source.accessToken());
    expect(error.code).toBe('AUTH');
    expect(error.message).toMatch(/Reconnect/);
    expect(secrets.get(oauthSecretName('acc-1'))).toBe(stored);
    // Still AUTH on the next try (no silent success, no crash).
    expect((await failure(source.accessToken())).code).toBe('AUTH');
  });

  it('fails with AUTH when no token record is stored', async () => {
    const source = new OAuthTokenSource({ accountId: 'nothing', config, secrets: memorySecrets(), log });
    expect((await failure(source.accessToken())).code).toBe('AUTH');
  });

  it('fails with TEMPORARY when the token endpoint cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { secrets } = connected(0);
    const offline = { ...config, tokenEndpoint: `http://127.0.0.1:${port}/token` };
    const source = new OAuthTokenSource({ accountId: 'acc-1', config: offline, secrets, log });
    expect((await failure(source.accessToken())).code).toBe('TEMPORARY');
  });

  it('never logs a token', () => {
    const all = lines.join('');
    expect(all).toContain('token refresh failed'); // the log was written to...
    expect(all).not.toMatch(/"(at|rt)\.[A-Za-z0-9_-]{20,}/); // ...but holds no token
  });
});

describe('accountTokenSource (what the drivers get)', () => {
  const account = (clientId: string) => ({
    id: 'acc-1',
    kind: 'gmail' as const,
    email: USER,
    displayName: USER,
    config: { clientId, scope: GMAIL_SCOPES.join(' ') },
    createdAt: new Date().toISOString(),
  });
  const options = () => ({ env: {}, providers: { gmail: google.endpoints } });

  it('gives every driver of an account the same source, so concurrent refreshes are shared', async () => {
    const { secrets } = connected(0);
    const first = accountTokenSource(account('desktop-client'), secrets, log, options());
    const second = accountTokenSource(account('desktop-client'), secrets, log, options());
    expect(second).toBe(first);
    const before = google.auth.counts.refreshes;
    const [a, b] = await Promise.all([first.accessToken(), second.accessToken()]);
    expect(a).toBe(b);
    expect(google.auth.counts.refreshes).toBe(before + 1);
  });

  it('asks to reconnect an account connected through another OAuth client than the configured one', () => {
    const { secrets } = connected(10 * 60_000);
    expect(() => accountTokenSource(account('old-client'), secrets, log, options())).toThrow(
      expect.objectContaining({ code: 'AUTH' }),
    );
  });
});

describe('OAuthTokenSource with a rotating refresh token (Microsoft)', () => {
  // A token endpoint that rotates the refresh token on every use and refuses a used one.
  let server: Server;
  let current = 'rt-0';
  let issued = 0;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      void bodyOf(req).then((body) => {
        const form = new URLSearchParams(body);
        const presented = form.get('refresh_token') ?? '';
        seen.push(presented);
        res.setHeader('content-type', 'application/json');
        if (form.get('grant_type') !== 'refresh_token' || presented !== current) {
          res.writeHead(400).end(JSON.stringify({ error: 'invalid_grant', error_description: 'AADSTS70000' }));
          return;
        }
        issued += 1;
        current = `rt-${issued}`;
        res.writeHead(200).end(
          JSON.stringify({
            access_token: `at-${issued}`,
            refresh_token: current,
            token_type: 'Bearer',
            expires_in: 3599,
            scope: 'Mail.Read',
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('persists the rotated refresh token and uses it for the next refresh', async () => {
    const port = (server.address() as AddressInfo).port;
    const graph = resolveProviderConfig(
      'graph',
      { clientId: 'public', tokenEndpoint: `http://127.0.0.1:${port}/token` },
      {},
    );
    const secrets = memorySecrets();
    writeTokenRecord(secrets, 'acc-2', { accessToken: 'at-0', refreshToken: 'rt-0', expiresAt: 0, scope: 'Mail.Read' });
    const source = new OAuthTokenSource({ accountId: 'acc-2', config: graph, secrets, log });
    expect(await source.accessToken()).toBe('at-1');
    expect(readTokenRecord(secrets, 'acc-2')).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
    source.invalidate();
    expect(await source.accessToken()).toBe('at-2');
    expect(seen).toEqual(['rt-0', 'rt-1']);
    // A fresh source (after a restart) reads the rotated token from the store, not the first one.
    const restarted = new OAuthTokenSource({ accountId: 'acc-2', config: graph, secrets, log });
    restarted.invalidate();
    expect(await restarted.accessToken()).toBe('at-3');
    expect(seen).toEqual(['rt-0', 'rt-1', 'rt-2']);
  });
});
