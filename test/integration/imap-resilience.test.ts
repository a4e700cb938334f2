import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ImapFlow } from 'imapflow';
import { expectOk, openTestCore } from '../harness/core.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { addDovecotAccount, syncStatus } from '../harness/mail-account.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { liveMessages, withStore } from '../harness/store-reader.js';
import { startTcpProxy, type TcpProxy } from '../harness/tcp-proxy.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Push and broken networks, against a real Dovecot.
let keyring: SecretService;
let dovecot: Dovecot;
let imap: ImapFlow;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  dovecot = await startDovecot();
  imap = await connectImap(dovecot);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await imap?.logout().catch(() => undefined);
  await dovecot?.stop();
  await keyring?.stop();
});

async function freshCore(options: Parameters<typeof openTestCore>[1] = {}) {
  const data = makeTempDir();
  const core = await openTestCore(data.path, options);
  cleanups.push(async () => {
    await core.close();
    data.remove();
  });
  expectOk(await core.call('profile.create', { displayName: 'Resilience' }));
  return { core, dataDir: data.path };
}

describe('push', () => {
  it('delivers a new INBOX message through IDLE, with polling out of the way', async () => {
    await appendMessages(imap, 'INBOX', [buildMessage({ subject: 'before push' })]);
    // Polling every 10 minutes: only IDLE can bring the next message in time.
    const { core } = await freshCore({ backgroundSync: true, sync: { pollIntervalMs: 10 * 60_000 } });
    await addDovecotAccount(core, dovecot);
    await vi.waitFor(async () => expect((await syncStatus(core)).state).toBe('watching'), { timeout: 20_000 });
    const before = (await syncStatus(core)).messages;

    await appendMessages(imap, 'INBOX', [buildMessage({ subject: 'pushed', messageId: 'pushed@acme.test' })]);
    await vi.waitFor(async () => expect((await syncStatus(core)).messages).toBe(before + 1), {
      timeout: 15_000,
      interval: 50,
    });
  });
});

describe('push: new mail on the IDLE connection', () => {
  it('brings a burst of new mail once each, and still applies an expunge pushed after it', async () => {
    const { core, dataDir } = await freshCore({ backgroundSync: true, sync: { pollIntervalMs: 10 * 60_000 } });
    await addDovecotAccount(core, dovecot);
    await vi.waitFor(async () => expect((await syncStatus(core)).state).toBe('watching'), { timeout: 20_000 });
    const before = (await syncStatus(core)).messages;

    // Three in a row: later ones arrive while the pass for the first runs, or in the same EXISTS.
    const burst = [0, 1, 2].map((n) => buildMessage({ subject: `burst ${n}`, messageId: `burst-${n}@acme.test` }));
    const uids = await appendMessages(imap, 'INBOX', burst);
    await vi.waitFor(async () => expect((await syncStatus(core)).messages).toBe(before + 3), {
      timeout: 15_000,
      interval: 50,
    });

    // An expunge is no new mail: the push must take the SELECT (QRESYNC) path to see it.
    await imap.mailboxOpen('INBOX');
    await imap.messageDelete(String(uids[1]), { uid: true });
    await imap.mailboxClose();
    await vi.waitFor(async () => expect((await syncStatus(core)).messages).toBe(before + 2), {
      timeout: 15_000,
      interval: 50,
    });
    await appendMessages(imap, 'INBOX', [buildMessage({ subject: 'after', messageId: 'burst-3@acme.test' })]);
    await vi.waitFor(async () => expect((await syncStatus(core)).messages).toBe(before + 3), {
      timeout: 15_000,
      interval: 50,
    });
    const rows = (await withStore(dataDir, liveMessages)).filter((row) => row.message_id?.startsWith('burst-'));
    expect(rows.map((row) => row.message_id).sort()).toEqual([
      'burst-0@acme.test',
      'burst-2@acme.test',
      'burst-3@acme.test',
    ]);
  });
});

describe('broken network', () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startTcpProxy(dovecot.imapsPort);
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('survives a connection cut mid-FETCH: the next pass finishes with every message exactly once', async () => {
    await imap.mailboxCreate('Bulk');
    const bulk = Array.from({ length: 120 }, (_, i) =>
      buildMessage({
        subject: `Bulk ${i}`,
        messageId: `bulk-${i}@acme.test`,
        body: `${'Quarterly numbers. '.repeat(200)}\n`,
      }),
    );
    await appendMessages(imap, 'Bulk', bulk);
    const { core, dataDir } = await freshCore({ sync: { budget: { maxMessages: 25, maxBytes: 1 << 20 } } });
    await addDovecotAccount(core, dovecot, proxy.port);

    proxy.cutAfterBytes(60_000);
    const cutsBefore = proxy.cuts;
    const broken = await core.call('sync.run', { wait: true });
    expect(broken).toMatchObject({ ok: false, error: { code: 'TEMPORARY' } });
    expect(proxy.cuts).toBeGreaterThan(cutsBefore);
    const health = await syncStatus(core);
    expect(health.lastError?.code).toBe('TEMPORARY');

    proxy.cutAfterBytes(Infinity);
    expectOk(await core.call('sync.run', { wait: true }));
    const status = await syncStatus(core);
    expect(status.lastError).toBeNull();
    expect(status.folders.find((folder) => folder.path === 'Bulk')).toMatchObject({ done: 120, total: 120 });
    const rows = (await withStore(dataDir, liveMessages)).filter((row) => row.message_id?.startsWith('bulk-'));
    expect(rows).toHaveLength(120);
    expect(new Set(rows.map((row) => row.message_id)).size).toBe(120);
  });

  it('keeps the stored mail when the server is down, and catches up when it is back', async () => {
    const { core, dataDir } = await freshCore();
    await addDovecotAccount(core, dovecot, proxy.port);
    expectOk(await core.call('sync.run', { wait: true }));
    const stored = (await withStore(dataDir, liveMessages)).length;
    expect(stored).toBeGreaterThan(0);

    await proxy.close();
    const down = await core.call('sync.run', { wait: true });
    expect(down).toMatchObject({ ok: false, error: { code: 'TEMPORARY' } });
    expect((await withStore(dataDir, liveMessages)).length).toBe(stored);

    // The account remembers the proxy's port, so the server comes back on the same one.
    proxy = await startTcpProxy(dovecot.imapsPort, proxy.port);
    await appendMessages(imap, 'INBOX', [
      buildMessage({ subject: 'after outage', messageId: 'after-outage@acme.test' }),
    ]);
    expectOk(await core.call('sync.run', { wait: true }));
    expect((await withStore(dataDir, liveMessages)).length).toBe(stored + 1);
  });
});

describe('credentials changed on the server', () => {
  it('reports AUTH from the push connection without a manual sync, and recovers after accounts.updateImap', async () => {
    const { core } = await freshCore({ backgroundSync: true, sync: { pollIntervalMs: 10 * 60_000 } });
    const accountId = await addDovecotAccount(core, dovecot);
    await vi.waitFor(async () => expect((await syncStatus(core)).state).toBe('watching'), { timeout: 20_000 });

    const user = dovecot.users[0]!;
    const original = user.password;
    dovecot.setPassword(user.user, 'rotated-by-admin');
    try {
      await dovecot.restart({ hard: true }); // drops the IDLE connection; its reconnect is refused
      await vi.waitFor(async () => expect((await syncStatus(core)).lastError?.code).toBe('AUTH'), {
        timeout: 30_000,
        interval: 100,
      });
      expect((await syncStatus(core)).state).toBe('error');

      expectOk(await core.call('accounts.updateImap', { id: accountId, password: 'rotated-by-admin' }));
      await vi.waitFor(async () => expect((await syncStatus(core)).state).toBe('watching'), { timeout: 20_000 });
      expect((await syncStatus(core)).lastError).toBeNull();
    } finally {
      dovecot.setPassword(user.user, original);
      // Dovecot notices a changed passwd-file by its mtime in seconds: restart to be sure.
      await dovecot.restart({ hard: true });
    }
    // The shared client of this file logs in again with the original password.
    imap = await connectImap(dovecot);
  });
});
