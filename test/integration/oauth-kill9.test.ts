import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountSummary, OAuthFlowStarted } from '../../common/domain/mail.js';
import { GRAPH_SCOPES } from '../../main/sync/oauth/providers.js';
import { textMessage } from '../fakes/gmail/corpus.js';
import { FakeGmailServer } from '../fakes/gmail/gmail-server.js';
import { FakeGraphServer } from '../fakes/graph/graph-server.js';
import { testMail } from '../fakes/graph/messages.js';
import { gmailFakeConfig, graphFakeConfig, providerEnv } from '../fakes/provider-config.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { playBrowser } from '../harness/oauth-provider.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { withStore } from '../harness/store-reader.js';
import { startSyncProcess } from '../harness/sync-process.js';
import { makeTempDir } from '../harness/temp-dir.js';

// kill -9 of a process syncing a Gmail and a Microsoft 365 mailbox (through the fakes) at random
// points, then a clean run: each account holds exactly its mailbox, nothing lost, nothing doubled.
// The sync child configures the providers from the environment, as a workspace would.

const GMAIL_COUNT = 1500;
const GRAPH_COUNT = 1000;

let keyring: SecretService;
let gmail: FakeGmailServer;
let graph: FakeGraphServer;
const data = makeTempDir();
let env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  gmail = await FakeGmailServer.start();
  for (let i = 0; i < GMAIL_COUNT; i++) {
    const message = textMessage(i, Date.now() - 86_400_000);
    gmail.addMessage(message.raw, { labelIds: i % 3 === 0 ? ['SENT'] : ['INBOX'], internalDate: message.date });
  }
  graph = await new FakeGraphServer({ scopes: GRAPH_SCOPES }).start();
  for (let i = 0; i < GRAPH_COUNT; i++) {
    const date = new Date(Date.now() - (i + 1) * 60_000);
    await graph.addMessage(testMail(i, { date }).mime, graph.folderId(i % 4 === 0 ? 'sentitems' : 'inbox'));
  }
  env = {
    ...keyring.env,
    ...providerEnv('CLIENTELE_GMAIL', gmailFakeConfig(gmail)),
    ...providerEnv('CLIENTELE_GRAPH', graphFakeConfig(graph)),
  };
  // Connect both accounts once, then leave the profile to the children.
  const core = await openTestCore(data.path, { oauth: { env } });
  try {
    expectOk(await core.call('profile.create', { displayName: 'Kill test' }));
    for (const provider of ['gmail', 'graph'] as const) {
      const begun = expectOk(await core.call<OAuthFlowStarted>('accounts.beginOAuth', { provider }));
      await playBrowser(begun.authorizationUrl);
      expectOk(await core.call<AccountSummary>('accounts.completeOAuth', { flowId: begun.flowId }));
    }
  } finally {
    await core.close();
  }
});
afterAll(async () => {
  await gmail?.close();
  await graph?.stop();
  await keyring?.stop();
  data.remove();
});

type Counts = { account: string; kind: string; messages: number; locations: number; identities: number };

async function counts(): Promise<Counts[]> {
  return withStore(
    data.path,
    (db) =>
      db
        .prepare(
          `SELECT a.id AS account, a.kind,
             (SELECT count(*) FROM messages m WHERE m.account_id = a.id) AS messages,
             (SELECT count(*) FROM message_locations l JOIN folders f ON f.id = l.folder_id WHERE f.account_id = a.id) AS locations,
             (SELECT count(DISTINCT identity) FROM messages m WHERE m.account_id = a.id) AS identities
           FROM accounts a ORDER BY a.kind`,
        )
        .all() as Counts[],
  );
}

describe('kill -9 while syncing Gmail and Microsoft 365', () => {
  it('resumes exactly: every message once per account', async () => {
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const seen: number[] = [];
    for (let kill = 0; kill < 10; kill++) {
      const run = startSyncProcess(data.path, 25, env);
      let timer: NodeJS.Timeout | undefined;
      // Timed from a committed page, not from the start: progress lies behind every kill even when a
      // loaded machine makes the first page slow.
      void run.committed.then(() => (timer = setTimeout(() => run.kill(), Math.floor(next() * 400))));
      const ended = await run.done;
      clearTimeout(timer);
      const now = await counts();
      for (const account of now) {
        expect(account.identities).toBe(account.messages);
        expect(account.locations).toBeLessThanOrEqual(account.kind === 'gmail' ? GMAIL_COUNT : GRAPH_COUNT);
      }
      seen.push(now.reduce((sum, account) => sum + account.locations, 0));
      if (ended.signal !== 'SIGKILL') break;
    }
    expect(new Set(seen.filter((n) => n > 0 && n < GMAIL_COUNT + GRAPH_COUNT)).size).toBeGreaterThanOrEqual(3);

    const finish = await startSyncProcess(data.path, 25, env).done;
    expect(finish.out).toContain('done');
    const final = await counts();
    expect(
      final.map(({ kind, messages, locations, identities }) => ({ kind, messages, locations, identities })),
    ).toEqual([
      { kind: 'gmail', messages: GMAIL_COUNT, locations: GMAIL_COUNT, identities: GMAIL_COUNT },
      { kind: 'graph', messages: GRAPH_COUNT, locations: GRAPH_COUNT, identities: GRAPH_COUNT },
    ]);
    expect(gmail.stats.overQuota).toBe(0);
  }, 120_000);
});
