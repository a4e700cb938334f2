import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImapFlow } from 'imapflow';
import type { SearchResults } from '../../common/domain/search.js';
import { runCli } from '../harness/cli.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { addDovecotAccount } from '../harness/mail-account.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';
import { stopServices } from '../harness/stop-services.js';

// Offline search end to end: a real Dovecot mailbox synced by the compiled core into the encrypted
// store, indexed, then searched through search.messages and through `clientele search --json`.
let keyring: SecretService;
let dovecot: Dovecot;
let imap: ImapFlow;
const data = makeTempDir();
let core: Awaited<ReturnType<typeof openTestCore>> | null = null;

const search = async (query: string, extra: Record<string, unknown> = {}): Promise<SearchResults> =>
  expectOk(await core!.call<SearchResults>('search.messages', { query, catchUp: true, ...extra }));

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  dovecot = await startDovecot();
  imap = await connectImap(dovecot);
  const filler = Array.from({ length: 40 }, (_, i) =>
    buildMessage({ subject: `Weekly report ${i}`, from: 'Carol <carol@acme.test>', body: `Numbers for week ${i}.\n` }),
  );
  await appendMessages(imap, 'INBOX', [
    ...filler,
    buildMessage({
      subject: 'Airship logistics',
      from: 'Dmitri Orlov <dmitri@volga.test>',
      messageId: 'airship@volga.test',
      date: new Date('2024-03-01T09:00:00Z'),
      body: 'The zeppelin will land at the <b>hangar</b> on Friday.\nRegards, Dmitri\n',
    }),
  ]);
  core = await openTestCore(data.path, { sync: { budget: { maxMessages: 9, maxBytes: 1 << 20 } } });
  expectOk(await core.call('profile.create', { displayName: 'Search tester' }));
  await addDovecotAccount(core, dovecot);
  expectOk(await core.call('sync.run', { wait: true }));
});
afterAll(() => stopServices({ imap, core, dovecot, keyring, data }));

describe('search of synced mail', () => {
  it('reports what is not indexed yet, then finds a message by a word of its body', async () => {
    const before = expectOk(await core!.call<SearchResults>('search.messages', { query: 'zeppelin' }));
    expect(before.hits).toEqual([]);
    expect(before.indexing).toEqual({ done: false, progress: 0, pending: 41 });
    expect(expectOk(await core!.call('search.indexing', {}))).toEqual({ done: false, progress: 0, pending: 41 });

    const found = await search('zeppelin');
    expect(found.indexing).toEqual({ done: true, progress: 1, pending: 0 });
    expect(expectOk(await core!.call('search.indexing', {}))).toEqual({ done: true, progress: 1, pending: 0 });
    expect(found.hits).toHaveLength(1);
    const [hit] = found.hits;
    expect(hit).toMatchObject({
      subject: 'Airship logistics',
      from: { name: 'Dmitri Orlov', address: 'dmitri@volga.test' },
      date: '2024-03-01T09:00:00.000Z',
    });
    expect(hit!.snippet.filter((piece) => piece.match).map((piece) => piece.text)).toEqual(['zeppelin']);
    expect(hit!.snippet.map((piece) => piece.text).join('')).toContain('<b>hangar</b>');
  });

  it('finds by participant name or address, by prefix, and pages newest first', async () => {
    expect((await search('dmitri@volga.test')).hits.map((h) => h.subject)).toEqual(['Airship logistics']);
    expect((await search('orl')).hits.map((h) => h.subject)).toEqual(['Airship logistics']);
    const first = await search('carol', { limit: 25 });
    expect(first.hits).toHaveLength(25);
    expect(first.next).not.toBeNull();
    const second = await search('carol', { limit: 25, cursor: first.next });
    expect(second.hits).toHaveLength(15);
    expect(second.next).toBeNull();
    const ids = [...first.hits, ...second.hits].map((h) => h.messageId);
    expect(new Set(ids).size).toBe(40);
    const ranked = await search('weekly report 7', { order: 'ranked', limit: 5 });
    expect(ranked.hits[0]?.subject).toBe('Weekly report 7');
  });

  it('forgets a message expunged on the server once the sync collects it', async () => {
    await imap.mailboxOpen('INBOX');
    const uids = (await imap.search({ header: { 'message-id': 'airship@volga.test' } }, { uid: true })) || [];
    expect(uids).toHaveLength(1);
    await imap.messageDelete(String(uids[0]), { uid: true });
    expectOk(await core!.call('sync.run', { wait: true }));
    expect((await search('zeppelin')).hits).toEqual([]);
    expect((await search('carol', { limit: 100 })).hits).toHaveLength(40);
  });

  it('searches from the CLI after a sync, indexing first (search --json)', async () => {
    await core!.close();
    core = null;
    await appendMessages(imap, 'INBOX', [
      buildMessage({ subject: 'Quarterly déjà vu', from: 'Zoë <zoe@fjord.test>', body: 'Café meeting notes.\n' }),
    ]);
    const env = keyring.env;
    expect((await runCli(['--data-dir', data.path, 'sync', '--once'], { env })).code).toBe(0);
    const run = await runCli(['--data-dir', data.path, 'search', 'cafe', 'DEJA', '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    const result = run.json as { ok: true; value: SearchResults };
    expect(result.ok).toBe(true);
    expect(result.value.hits.map((h) => h.subject)).toEqual(['Quarterly déjà vu']);
    expect(result.value.indexing.done).toBe(true);

    expect(run.stderr).not.toContain('Indexing');
    const human = await runCli(['--data-dir', data.path, 'search', 'zoe@fjord.test'], { env });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Quarterly déjà vu');
    const hostile = await runCli(['--data-dir', data.path, 'search', 'NEAR("x"', 'OR', '*', '--json'], { env });
    expect(hostile.code, hostile.stderr).toBe(0);
    expect((hostile.json as { value: SearchResults }).value.hits).toEqual([]);
  });

  it('says so on stderr when a CLI search must first index a big backlog, and only then; status tells how far', async () => {
    const env = keyring.env;
    const backlog = Array.from({ length: 520 }, (_, i) =>
      buildMessage({ subject: `Backlog ${i}`, from: 'Ivy <ivy@moss.test>', body: `Line ${i} about a narwhal.\n` }),
    );
    await appendMessages(imap, 'INBOX', backlog);
    expect((await runCli(['--data-dir', data.path, 'sync', '--once'], { env })).code).toBe(0);
    // `clientele status` says why search does not find the new mail yet.
    const lagging = await runCli(['--data-dir', data.path, 'status', '--json'], { env });
    const index = (lagging.json as { value: { search: { done: boolean; pending: number } } }).value.search;
    expect(index.done).toBe(false);
    expect(index.pending).toBeGreaterThanOrEqual(520);
    const lagLine = await runCli(['--data-dir', data.path, 'status'], { env });
    expect(lagLine.stdout).toMatch(/^Search: 5\d\d messages not searchable yet \(\d+% indexed\)/m);
    const first = await runCli(['--data-dir', data.path, 'search', 'narwhal', '--json'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^Indexing 5\d\d new messages for search first/m);
    const hits = (first.json as { value: SearchResults }).value;
    expect(hits.indexing.done).toBe(true);
    expect(hits.hits.length).toBe(25);
    const again = await runCli(['--data-dir', data.path, 'search', 'narwhal'], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('Indexing');
    expect(again.stdout).toMatch(/Backlog \d+/);
    const caughtUp = await runCli(['--data-dir', data.path, 'status'], { env });
    expect(caughtUp.stdout).toMatch(/^Search: every synced message is searchable$/m);
  });

  it('keeps up with new mail in the background when the app syncs', async () => {
    core = await openTestCore(data.path, { backgroundSync: true, sync: { pollIntervalMs: 500 } });
    await appendMessages(imap, 'INBOX', [buildMessage({ subject: 'Fresh lead', body: 'A walrus wants a demo.\n' })]);
    const deadline = Date.now() + 30_000;
    let hits: SearchResults['hits'] = [];
    while (Date.now() < deadline && hits.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      hits = expectOk(await core.call<SearchResults>('search.messages', { query: 'walrus' })).hits;
    }
    expect(hits.map((h) => h.subject)).toEqual(['Fresh lead']);
  });
});
