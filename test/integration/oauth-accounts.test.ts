import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountSummary, OAuthFlowStarted } from '../../common/domain/mail.js';
import { OsKeychain } from '../../main/platform/keychain/os-keychain.js';
import { openEncryptedDatabase } from '../../main/store/sqlcipher.js';
import { FieldSealer } from '../../main/store/sealing.js';
import { GMAIL_SCOPES, GRAPH_SCOPES } from '../../main/sync/oauth/providers.js';
import { expectOk, openTestCore } from '../harness/core.js';
import {
  memoryLogger,
  playBrowser,
  startFakeOAuthProvider,
  type FakeOAuthProvider,
} from '../harness/oauth-provider.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { withStore } from '../harness/store-reader.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Gmail and Microsoft 365 accounts connected through the real core (compiled), into the real
// encrypted store under keys from the real gnome-keyring, against FakeAuthorizationServer.
let keyring: SecretService;
let google: FakeOAuthProvider;
let microsoft: FakeOAuthProvider;
let core: Awaited<ReturnType<typeof openTestCore>>;
const data = makeTempDir();
const { log, lines } = memoryLogger();
/** Every access token identify() was given: the test's view of what the provider issued. */
const accessTokens: string[] = [];
/** Every API result the test saw, to check that no token ever came out. */
const outputs: unknown[] = [];
let gmailAccount: AccountSummary;
let oauthOptions: NonNullable<Parameters<typeof openTestCore>[1]>['oauth'];

async function call<T>(method: string, input: unknown = {}) {
  const result = await core.call<T>(method, input);
  outputs.push(result);
  return result;
}

async function connect(provider: 'gmail' | 'graph'): Promise<AccountSummary> {
  const begun = expectOk(await call<OAuthFlowStarted>('accounts.beginOAuth', { provider }));
  const completion = call<AccountSummary>('accounts.completeOAuth', { flowId: begun.flowId });
  await playBrowser(begun.authorizationUrl);
  return expectOk(await completion);
}

/** The sealed token record as the store holds it (opened with the field key from the keychain). */
async function tokenRecord(accountId: string): Promise<{ accessToken: string; refreshToken: string } | null> {
  const { id } = JSON.parse(readFileSync(join(data.path, 'profile.json'), 'utf8')) as { id: string };
  const fieldKey = await new OsKeychain().get(`${id}:fields`);
  const name = `account:${accountId}:oauth`;
  const row = (await withStore(data.path, (db) =>
    db.prepare('SELECT sealed FROM secrets WHERE name = ?').get(name),
  )) as { sealed: Buffer } | undefined;
  if (!row) return null;
  return JSON.parse(new FieldSealer(fieldKey!).open(row.sealed, `clientele:secret:${name}`)) as {
    accessToken: string;
    refreshToken: string;
  };
}

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  google = await startFakeOAuthProvider({
    clientId: 'gmail-desktop',
    clientSecret: 'gmail-secret',
    scopes: GMAIL_SCOPES,
  });
  microsoft = await startFakeOAuthProvider({ clientId: 'graph-public', scopes: GRAPH_SCOPES });
  microsoft.auth.user = 'bob@contoso.test';
  oauthOptions = {
    env: {},
    providers: { gmail: google.endpoints, graph: microsoft.endpoints },
    identify: {
      // Gmail: the built-in identify (users.getProfile on the fake); Graph: one given here.
      gmail: async (accessToken, config) => {
        accessTokens.push(accessToken);
        const { defaultIdentify } = await import('../../out/main/sync/oauth/identify.js');
        return defaultIdentify.gmail(accessToken, config);
      },
      graph: async (accessToken) => {
        accessTokens.push(accessToken);
        return { email: 'Bob@Contoso.test', displayName: 'Bob Builder' };
      },
    },
  };
  core = await openTestCore(data.path, { log, oauth: oauthOptions });
  expectOk(await call('profile.create', { displayName: 'OAuth tester' }));
});
afterAll(async () => {
  await core?.close();
  await google?.close();
  await microsoft?.close();
  await keyring?.stop();
  data.remove();
});

describe('connecting Gmail and Microsoft 365 accounts through the core', () => {
  it('connects a Gmail account: the sign-in URL, the browser, then the account', async () => {
    gmailAccount = await connect('gmail');
    expect(gmailAccount).toMatchObject({ kind: 'gmail', email: 'alice@example.test', host: null, user: null });
    expect(accessTokens).toHaveLength(1);
    const listed = expectOk(await call<AccountSummary[]>('accounts.list'));
    expect(listed.map((account) => account.email)).toEqual(['alice@example.test']);
    // The refresh token the fake issued is the one sealed in the store.
    const record = await tokenRecord(gmailAccount.id);
    expect(record?.accessToken).toBe(accessTokens[0]);
    expect(record?.refreshToken).toBe(google.auth.grant('alice@example.test').refreshToken);
  });

  it('connects a Microsoft 365 account with the identify() it was given, even when the browser was quicker', async () => {
    const begun = expectOk(await call<OAuthFlowStarted>('accounts.beginOAuth', { provider: 'graph' }));
    await playBrowser(begun.authorizationUrl);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const account = expectOk(await call<AccountSummary>('accounts.completeOAuth', { flowId: begun.flowId }));
    expect(account).toMatchObject({ kind: 'graph', email: 'bob@contoso.test', displayName: 'Bob Builder' });
  });

  it('refuses the same mailbox twice (CONFLICT), pointing to Reconnect', async () => {
    const begun = expectOk(await call<OAuthFlowStarted>('accounts.beginOAuth', { provider: 'gmail' }));
    const completion = call('accounts.completeOAuth', { flowId: begun.flowId });
    await playBrowser(begun.authorizationUrl);
    expect(await completion).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: /Reconnect/ } });
  });

  it('says PERMISSION when the user denies access, and saves nothing', async () => {
    google.auth.user = null;
    try {
      const begun = expectOk(await call<OAuthFlowStarted>('accounts.beginOAuth', { provider: 'gmail' }));
      // The browser comes back (denied) before the app even asked to wait for it: the outcome is kept.
      await playBrowser(begun.authorizationUrl);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const completion = call('accounts.completeOAuth', { flowId: begun.flowId });
      expect(await completion).toMatchObject({ ok: false, error: { code: 'PERMISSION' } });
      expect(expectOk(await call<AccountSummary[]>('accounts.list'))).toHaveLength(2);
    } finally {
      google.auth.user = 'alice@example.test';
    }
  });

  it('cancels a waiting sign-in: completeOAuth ends with NOT_FOUND and the listener closes', async () => {
    const begun = expectOk(await call<OAuthFlowStarted>('accounts.beginOAuth', { provider: 'graph' }));
    const completion = call('accounts.completeOAuth', { flowId: begun.flowId });
    expect(expectOk(await call('accounts.cancelOAuth', { flowId: begun.flowId }))).toEqual({ cancelled: true });
    expect(await completion).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const redirect = new URL(begun.authorizationUrl).searchParams.get('redirect_uri')!;
    await expect(fetch(redirect)).rejects.toThrow();
    expect(await call('accounts.completeOAuth', { flowId: begun.flowId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('reconnects a revoked account in place (same id, new sealed grant), only as the same user', async () => {
    const before = await tokenRecord(gmailAccount.id);
    google.auth.revokeUser('alice@example.test');
    const begun = expectOk(await call<OAuthFlowStarted>('accounts.reconnectOAuth', { accountId: gmailAccount.id }));
    expect(begun.provider).toBe('gmail');
    const completion = call<AccountSummary>('accounts.completeOAuth', { flowId: begun.flowId });
    await playBrowser(begun.authorizationUrl);
    expect(expectOk(await completion).id).toBe(gmailAccount.id);
    const after = await tokenRecord(gmailAccount.id);
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    expect(after?.refreshToken).toBe(google.auth.grant('alice@example.test').refreshToken);

    // Signed in as someone else: refused, the account keeps its grant.
    google.auth.user = 'mallory@example.test';
    try {
      const again = expectOk(await call<OAuthFlowStarted>('accounts.reconnectOAuth', { accountId: gmailAccount.id }));
      const refused = call('accounts.completeOAuth', { flowId: again.flowId });
      await playBrowser(again.authorizationUrl);
      expect(await refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect((await tokenRecord(gmailAccount.id))?.refreshToken).toBe(after?.refreshToken);
    } finally {
      google.auth.user = 'alice@example.test';
    }
  });

  it('keeps the tokens sealed: no decrypted page of the database holds one', async () => {
    const record = (await tokenRecord(gmailAccount.id))!;
    await core.close();
    const { id } = JSON.parse(readFileSync(join(data.path, 'profile.json'), 'utf8')) as { id: string };
    const key = (await new OsKeychain().get(id))!;
    const plainPath = join(data.path, 'plain-copy.db');
    copyFileSync(join(data.path, 'clientele.db'), plainPath);
    for (const suffix of ['-wal', '-shm']) {
      try {
        copyFileSync(join(data.path, `clientele.db${suffix}`), `${plainPath}${suffix}`);
      } catch {
        // No WAL after a clean close.
      }
    }
    const copy = openEncryptedDatabase(plainPath, key, { create: false });
    copy.pragma('journal_mode = DELETE');
    copy.pragma(`rekey = ''`);
    copy.close();
    const pages = readFileSync(plainPath);
    expect(pages.subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
    expect(pages.includes(Buffer.from('alice@example.test'))).toBe(true); // plaintext is visible here...
    for (const token of [...accessTokens, record.refreshToken, record.accessToken]) {
      expect(pages.includes(Buffer.from(token))).toBe(false); // ...but no token
    }
    core = await openTestCore(data.path, { log, oauth: oauthOptions });
  });

  it('never returns a token through the API or writes one to the log', async () => {
    outputs.push(await call('accounts.list'), await call('sync.status'), await call('app.state'));
    const record = (await tokenRecord(gmailAccount.id))!;
    const everything = JSON.stringify(outputs);
    const logged = lines.join('');
    expect(logged).toContain('OAuth account connected');
    for (const token of [...accessTokens, record.refreshToken, 'gmail-secret']) {
      expect(everything).not.toContain(token);
      expect(logged).not.toContain(token);
    }
  });

  it('revokes the grant at the provider and removes the sealed record with the account', async () => {
    const record = (await tokenRecord(gmailAccount.id))!;
    const revocations = google.auth.counts.revocations;
    expectOk(await call('accounts.remove', { id: gmailAccount.id }));
    expect(await tokenRecord(gmailAccount.id)).toBeNull();
    expect(google.auth.counts.revocations).toBe(revocations + 1);
    // The fake issues a new grant once the old one is revoked.
    expect(google.auth.grant('alice@example.test').refreshToken).not.toBe(record.refreshToken);
  });

  it('says how to configure a provider that has no client id', async () => {
    await core.close();
    core = await openTestCore(data.path, { log, oauth: { env: {} } });
    const result = await call('accounts.beginOAuth', { provider: 'gmail' });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: /CLIENTELE_GMAIL_CLIENT_ID/ } });
  });
});
