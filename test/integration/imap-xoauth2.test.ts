import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../common/errors.js';
import { ImapDriver } from '../../main/sync/drivers/imap/imap-driver.js';
import type { AccessTokenSource } from '../../main/sync/oauth/access-token.js';
import { silentLogger } from '../../main/util/logger.js';
import { FakeAuthorizationServer } from '../fakes/oauth/authorization-server.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';

// IMAP login with OAuth 2.0 (SASL XOAUTH2 / OAUTHBEARER): a real Dovecot whose oauth2 passdb
// checks each token at an RFC 7662 introspection endpoint of the fake authorization server.

const CLIENT_ID = 'clientele-test';
const SCOPE = 'https://mail.example.test/imap';
let auth: FakeAuthorizationServer;
let authHttp: Server;
let authUrl = '';
let dovecot: Dovecot;
const user = () => dovecot.users[0]!;

beforeAll(async () => {
  auth = new FakeAuthorizationServer({ clientId: CLIENT_ID, scopes: [SCOPE] });
  authHttp = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method === 'POST' && path === '/introspect') return void auth.introspect(req, res);
    if (req.method === 'POST' && path === '/token') return void auth.token(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => authHttp.listen(0, '127.0.0.1', resolve));
  authUrl = `http://127.0.0.1:${(authHttp.address() as AddressInfo).port}`;
  dovecot = await startDovecot({ oauth2IntrospectionUrl: `${authUrl}/introspect` });
  const imap = await connectImap(dovecot);
  await appendMessages(
    imap,
    'INBOX',
    Array.from({ length: 5 }, (_, i) => buildMessage({ subject: `OAuth ${i}`, messageId: `oauth-${i}@x.test` })),
  );
  await imap.logout();
});
afterAll(async () => {
  await dovecot?.stop();
  await new Promise((resolve) => authHttp?.close(resolve));
});

/** Tokens as an account's grant gives them: refreshed at the token endpoint when invalidated. */
function grantTokens(): AccessTokenSource & { refreshes: number } {
  const granted = auth.grant(user().user);
  let access: string | null = granted.accessToken;
  const source = {
    refreshes: 0,
    async accessToken(): Promise<string> {
      if (access) return access;
      source.refreshes += 1;
      const response = await fetch(`${authUrl}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: granted.refreshToken,
          client_id: CLIENT_ID,
        }),
      });
      if (!response.ok) throw new AppError('AUTH', 'The account needs to be reconnected.');
      access = ((await response.json()) as { access_token: string }).access_token;
      return access;
    },
    invalidate(): void {
      access = null;
    },
  };
  return source;
}

function driverWith(credentials: string | AccessTokenSource): ImapDriver {
  return new ImapDriver(
    { host: dovecot.host, port: dovecot.imapsPort, security: 'tls', user: user().user, caCertPem: dovecot.caCertPem },
    credentials,
    silentLogger(),
  );
}

async function inboxSubjects(driver: ImapDriver): Promise<string[]> {
  const inbox = (await driver.listFolders()).find((folder) => folder.role === 'inbox')!;
  const page = await driver.fetchChanges(
    inbox,
    null,
    { since: null },
    { maxMessages: 50, maxBytes: 1 << 20 },
    () => [],
  );
  return page.upserts.map((message) => /^Subject: (.*)$/m.exec(message.source.toString())?.[1] ?? '').sort();
}

describe('IMAP with OAuth 2.0 access tokens', () => {
  it('logs in with an access token and syncs', async () => {
    const tokens = grantTokens();
    const driver = driverWith(tokens);
    try {
      expect(await inboxSubjects(driver)).toEqual(['OAuth 0', 'OAuth 1', 'OAuth 2', 'OAuth 3', 'OAuth 4']);
      expect(tokens.refreshes).toBe(0);
      // Dovecot logs each login with its SASL mechanism: this one was OAuth, not a password.
      expect(readFileSync(dovecot.logPath, 'utf8')).toMatch(/Login: user=<alice[^>]*>, method=(XOAUTH2|OAUTHBEARER)/);
    } finally {
      await driver.close();
    }
  });

  it('refreshes a token the server refuses as expired, once, and goes on', async () => {
    const tokens = grantTokens();
    auth.expireAccessTokens();
    const driver = driverWith(tokens);
    try {
      expect(await inboxSubjects(driver)).toHaveLength(5);
      expect(tokens.refreshes).toBe(1);
    } finally {
      await driver.close();
    }
  });

  it('reports AUTH (reconnect) once the grant is revoked, and a made-up token is refused', async () => {
    const tokens = grantTokens();
    auth.revokeUser(user().user);
    const revoked = driverWith(tokens);
    await expect(revoked.verify()).rejects.toMatchObject({ code: 'AUTH' });
    await revoked.close();
    const forged = driverWith({ accessToken: async () => 'at.forged', invalidate: () => undefined });
    await expect(forged.verify()).rejects.toMatchObject({ code: 'AUTH' });
    await forged.close();
  });

  it('still takes passwords on the same server', async () => {
    const driver = driverWith(user().password);
    try {
      expect(await inboxSubjects(driver)).toHaveLength(5);
    } finally {
      await driver.close();
    }
  });
});
