import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImapFlow } from 'imapflow';
import type { AccountSyncStatus } from '../../common/domain/mail.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { liveMessages, withStore } from '../harness/store-reader.js';
import { makeTempDir } from '../harness/temp-dir.js';
import { stopServices } from '../harness/stop-services.js';

// A real Dovecot mailbox synced into the real encrypted store by the real core, with the
// password sealed under a key from the real gnome-keyring.
let keyring: SecretService;
let dovecot: Dovecot;
let imap: ImapFlow;
const data = makeTempDir();
let core: Awaited<ReturnType<typeof openTestCore>>;
let accountId = '';

const alice = () => dovecot.users[0]!;

async function syncNow(): Promise<AccountSyncStatus> {
  const [status] = expectOk(await core.call<AccountSyncStatus[]>('sync.run', { wait: true }));
  return status!;
}

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  dovecot = await startDovecot();
  imap = await connectImap(dovecot);
  core = await openTestCore(data.path, { sync: { budget: { maxMessages: 7, maxBytes: 1 << 20 } } });
  expectOk(await core.call('profile.create', { displayName: 'Sync tester' }));
});
afterAll(() => stopServices({ imap, core, dovecot, keyring, data }));

describe('IMAP sync against Dovecot', () => {
  it('refuses a wrong password with AUTH and saves nothing', async () => {
    const result = await core.call('accounts.addImap', {
      email: 'alice@example.test',
      host: dovecot.host,
      port: dovecot.imapsPort,
      security: 'tls',
      user: alice().user,
      password: 'wrong',
      caCertPem: dovecot.caCertPem,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'AUTH' } });
    expect(expectOk(await core.call<unknown[]>('accounts.list'))).toEqual([]);
  });

  it('refuses an untrusted certificate (TLS is always verified)', async () => {
    const result = await core.call('accounts.addImap', {
      email: 'alice@example.test',
      host: dovecot.host,
      port: dovecot.imapsPort,
      security: 'tls',
      user: alice().user,
      password: alice().password,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'PERMISSION' } });
  });

  it('syncs a mailbox initially: every message once, sent mail marked, replies threaded', async () => {
    const root = buildMessage({
      subject: 'Pricing for Acme',
      messageId: 'root@acme.test',
      from: 'Carol <carol@acme.test>',
    });
    const inbox = Array.from({ length: 23 }, (_, i) =>
      buildMessage({
        subject: `Inbox message ${i}`,
        messageId: `inbox-${i}@acme.test`,
        from: 'Carol <carol@acme.test>',
      }),
    );
    await appendMessages(imap, 'INBOX', [root, ...inbox]);
    const reply = buildMessage({
      subject: 'Re: Pricing for Acme',
      messageId: 'reply@example.test',
      from: 'Alice <alice@example.test>',
      to: 'carol@acme.test',
      inReplyTo: 'root@acme.test',
      references: 'root@acme.test',
    });
    await appendMessages(imap, 'Sent', [reply]);

    const added = expectOk(
      await core.call<{ id: string }>('accounts.addImap', {
        email: 'alice@example.test',
        host: dovecot.host,
        port: dovecot.imapsPort,
        security: 'tls',
        user: alice().user,
        password: alice().password,
        caCertPem: dovecot.caCertPem,
      }),
    );
    accountId = added.id;
    const status = await syncNow();
    expect(status.state).not.toBe('error');
    expect(status.lastError).toBeNull();
    expect(status.messages).toBe(25);
    const inboxProgress = status.folders.find((folder) => folder.path === 'INBOX')!;
    expect(inboxProgress).toMatchObject({ done: 24, total: 24, backfillComplete: true });

    const rows = await withStore(data.path, liveMessages);
    expect(rows).toHaveLength(25);
    const byId = new Map(rows.map((row) => [row.message_id, row]));
    expect(byId.get('reply@example.test')?.direction).toBe('sent');
    expect(byId.get('root@acme.test')?.direction).toBe('received');
    expect(byId.get('reply@example.test')?.thread_id).toBe(byId.get('root@acme.test')?.thread_id);
  });

  it('mirrors new mail, flag changes, expunges and moves incrementally', async () => {
    await appendMessages(imap, 'INBOX', [
      buildMessage({ subject: 'New one', messageId: 'new-1@acme.test' }),
      buildMessage({ subject: 'New two', messageId: 'new-2@acme.test' }),
    ]);
    const lock = await imap.getMailboxLock('INBOX');
    try {
      const [seenUid] = (await imap.search({ header: { 'message-id': 'inbox-3@acme.test' } }, { uid: true })) || [];
      await imap.messageFlagsAdd(String(seenUid), ['\\Seen', '\\Flagged'], { uid: true });
      const [goneUid] = (await imap.search({ header: { 'message-id': 'inbox-4@acme.test' } }, { uid: true })) || [];
      await imap.messageDelete(String(goneUid), { uid: true });
      const [movedUid] = (await imap.search({ header: { 'message-id': 'inbox-5@acme.test' } }, { uid: true })) || [];
      await imap.messageMove(String(movedUid), 'Archive', { uid: true });
    } finally {
      lock.release();
    }

    const status = await syncNow();
    expect(status.messages).toBe(26); // 25 + 2 new - 1 expunged; the moved one is still one message
    const rows = await withStore(data.path, liveMessages);
    const ids = rows.map((row) => row.message_id);
    expect(ids).toContain('new-1@acme.test');
    expect(ids).not.toContain('inbox-4@acme.test');
    expect(rows.find((row) => row.message_id === 'inbox-5@acme.test')?.folders).toBe('Archive');
    expect(new Set(ids).size).toBe(ids.length);
    const flags = await withStore(data.path, (db) =>
      db
        .prepare(
          `SELECT l.flags_json FROM message_locations l JOIN messages m ON m.id = l.message WHERE m.message_id = ?`,
        )
        .pluck()
        .get('inbox-3@acme.test'),
    );
    expect(JSON.parse(flags as string)).toEqual(expect.arrayContaining(['\\Seen', '\\Flagged']));
  });

  it('re-syncs a folder whose UIDVALIDITY changed without duplicating anything', async () => {
    await imap.mailboxCreate('Projects');
    const project = Array.from({ length: 9 }, (_, i) =>
      buildMessage({ subject: `Project ${i}`, messageId: `project-${i}@acme.test` }),
    );
    await appendMessages(imap, 'Projects', project);
    expect((await syncNow()).messages).toBe(35);

    // Delete and recreate: same messages, new UIDVALIDITY, new UIDs.
    await imap.mailboxDelete('Projects');
    await imap.mailboxCreate('Projects');
    await appendMessages(imap, 'Projects', project);
    const status = await syncNow();
    expect(status.messages).toBe(35);
    const rows = await withStore(data.path, liveMessages);
    expect(rows.filter((row) => row.message_id?.startsWith('project-'))).toHaveLength(9);
    expect(status.folders.find((folder) => folder.path === 'Projects')).toMatchObject({ done: 9 });
  });

  it('keeps the account and reports sync health per folder in sync.status', async () => {
    const [status] = expectOk(await core.call<AccountSyncStatus[]>('sync.status'));
    expect(status).toMatchObject({ accountId, email: 'alice@example.test', lastError: null });
    expect(status!.lastSuccessAt).not.toBeNull();
    const junk = status!.folders.find((folder) => folder.path === 'Junk');
    expect(junk?.syncEnabled).toBe(false);
  });
});

describe('changing an account', () => {
  it('checks a new password before saving it, and keeps the old settings when it is wrong', async () => {
    const wrong = await core.call('accounts.updateImap', { id: accountId, password: 'not-it' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'AUTH' } });
    // The stored password still works.
    expect((await syncNow()).lastError).toBeNull();

    const moved = await core.call('accounts.updateImap', {
      id: accountId,
      port: dovecot.imapPort,
      security: 'starttls',
    });
    expect(moved).toMatchObject({
      ok: true,
      value: { port: dovecot.imapPort, security: 'starttls', hasCustomCertificate: true },
    });
    await appendMessages(imap, 'INBOX', [buildMessage({ subject: 'via starttls', messageId: 'starttls@acme.test' })]);
    const status = await syncNow();
    expect(status.lastError).toBeNull();
    expect((await withStore(data.path, liveMessages)).some((row) => row.message_id === 'starttls@acme.test')).toBe(
      true,
    );

    const untrusted = await core.call('accounts.updateImap', { id: accountId, caCertPem: null });
    expect(untrusted).toMatchObject({ ok: false, error: { code: 'PERMISSION' } });
  });
});
