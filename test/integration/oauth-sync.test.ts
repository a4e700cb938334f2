import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountSummary, AccountSyncStatus, OAuthFlowStarted } from '../../common/domain/mail.js';
import { GRAPH_SCOPES } from '../../main/sync/oauth/providers.js';
import { textMessage } from '../fakes/gmail/corpus.js';
import { FakeGmailServer } from '../fakes/gmail/gmail-server.js';
import { FakeGraphServer } from '../fakes/graph/graph-server.js';
import { testMail } from '../fakes/graph/messages.js';
import { gmailFakeConfig, graphFakeConfig } from '../fakes/provider-config.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { playBrowser } from '../harness/oauth-provider.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { withStore } from '../harness/store-reader.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The whole way for a Gmail and a Microsoft 365 mailbox: connect with OAuth in the (played)
// browser, sync through the engine with the real googleapis / Graph clients against the fakes,
// both accounts at once without crossing data, then a revoked grant shows up as AUTH.

let keyring: SecretService;
let gmail: FakeGmailServer;
let graph: FakeGraphServer;
const data = makeTempDir();
let core: Awaited<ReturnType<typeof openTestCore>>;
const GMAIL_USER = 'alice@example.test';

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  gmail = await FakeGmailServer.start();
  for (let i = 0; i < 60; i++) {
    const message = textMessage(i);
    gmail.addMessage(message.raw, { labelIds: i % 4 === 0 ? ['SENT'] : ['INBOX'], internalDate: message.date });
  }
  graph = await new FakeGraphServer({ scopes: GRAPH_SCOPES }).start();
  for (let i = 0; i < 40; i++) {
    // Recent: the default backfill window is the last 12 months.
    const date = new Date(Date.now() - (i + 1) * 3_600_000);
    await graph.addMessage(testMail(i, { date }).mime, graph.folderId(i % 5 === 0 ? 'sentitems' : 'inbox'));
  }
  core = await openTestCore(data.path, {
    oauth: {
      env: {},
      providers: { gmail: gmailFakeConfig(gmail), graph: graphFakeConfig(graph) },
    },
  });
  expectOk(await core.call('profile.create', { displayName: 'OAuth tester' }));
});
afterAll(async () => {
  await core?.close();
  await gmail?.close();
  await graph?.stop();
  await keyring?.stop();
  data.remove();
});

async function connect(provider: 'gmail' | 'graph'): Promise<AccountSummary> {
  const begun = expectOk(await core.call<OAuthFlowStarted>('accounts.beginOAuth', { provider }));
  await playBrowser(begun.authorizationUrl);
  return expectOk(await core.call<AccountSummary>('accounts.completeOAuth', { flowId: begun.flowId }));
}

async function syncNow(accountId: string): Promise<AccountSyncStatus> {
  const statuses = expectOk(await core.call<AccountSyncStatus[]>('sync.run', { accountId, wait: true }));
  return statuses.find((status) => status.accountId === accountId)!;
}

describe('Gmail and Microsoft 365 accounts, connected with OAuth and synced by the engine', () => {
  let gmailId = '';
  let graphId = '';

  it('connects both and syncs each mailbox into its own account', async () => {
    const gmailAccount = await connect('gmail');
    const graphAccount = await connect('graph');
    gmailId = gmailAccount.id;
    graphId = graphAccount.id;
    expect(gmailAccount).toMatchObject({ kind: 'gmail', email: GMAIL_USER });
    expect(graphAccount).toMatchObject({ kind: 'graph', email: graph.user });

    const [gmailStatus, graphStatus] = await Promise.all([syncNow(gmailId), syncNow(graphId)]);
    expect(gmailStatus).toMatchObject({ lastError: null, messages: 60 });
    expect(graphStatus).toMatchObject({ lastError: null, messages: 40 });
    expect(gmailStatus.folders.find((folder) => folder.path === 'INBOX')).toMatchObject({ done: 45 });

    // No message crossed accounts: each account's rows carry only its own Message-IDs.
    const perAccount = await withStore(data.path, (db) =>
      db.prepare('SELECT account_id, count(*) AS n FROM messages GROUP BY account_id').all(),
    );
    expect(new Map((perAccount as { account_id: string; n: number }[]).map((r) => [r.account_id, r.n]))).toEqual(
      new Map([
        [gmailId, 60],
        [graphId, 40],
      ]),
    );
    expect(gmail.stats.overQuota).toBe(0);
  });

  it('picks up new mail incrementally', async () => {
    const fresh = textMessage(100);
    gmail.addMessage(fresh.raw, { labelIds: ['INBOX'] });
    await graph.addMessage(testMail(100, { date: new Date() }).mime, graph.folderId('inbox'));
    expect((await syncNow(gmailId)).messages).toBe(61);
    expect((await syncNow(graphId)).messages).toBe(41);
  });

  it('reports a revoked grant as AUTH (reconnect) and keeps the mail', async () => {
    gmail.oauth.revokeUser(GMAIL_USER);
    gmail.oauth.expireAccessTokens();
    const run = await core.call('sync.run', { accountId: gmailId, wait: true });
    expect(run).toMatchObject({ ok: false, error: { code: 'AUTH' } });
    const status = expectOk(await core.call<AccountSyncStatus[]>('sync.status')).find((s) => s.accountId === gmailId)!;
    expect(status.state).toBe('error');
    expect(status.lastError).toMatchObject({ code: 'AUTH' });
    expect(status.messages).toBe(61);
    // The other account is not affected.
    expect((await syncNow(graphId)).lastError).toBeNull();
  });
});
