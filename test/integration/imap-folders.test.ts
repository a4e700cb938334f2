import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ImapFlow } from 'imapflow';
import type { AccountSyncStatus, FolderProgress } from '../../common/domain/mail.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { addDovecotAccount, syncStatus } from '../harness/mail-account.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { liveMessages, withStore } from '../harness/store-reader.js';
import { makeTempDir } from '../harness/temp-dir.js';
import { stopServices } from '../harness/stop-services.js';

// Choosing which folders sync (sync.setFolderEnabled), against a real Dovecot, the real core and
// the real encrypted store: Junk starts off, turning it on brings its mail in, turning it off
// stops new Junk mail and keeps what was copied, through the orphan collection of a full pass.
let keyring: SecretService;
let dovecot: Dovecot;
let imap: ImapFlow;
const data = makeTempDir();
let core: Awaited<ReturnType<typeof openTestCore>>;
let accountId = '';

const INBOX = 10;
const JUNK = 12;

const message = (folder: string, i: number) =>
  buildMessage({ subject: `${folder} ${i}`, messageId: `${folder.toLowerCase()}-${i}@acme.test` });

async function syncNow(): Promise<AccountSyncStatus> {
  const [status] = expectOk(await core.call<AccountSyncStatus[]>('sync.run', { wait: true }));
  return status!;
}

function folder(status: AccountSyncStatus, path: string): FolderProgress {
  const found = status.folders.find((f) => f.path === path);
  if (!found) throw new Error(`no folder ${path}`);
  return found;
}

function setFolder(folderPath: string, enabled: boolean) {
  return core.call<FolderProgress>('sync.setFolderEnabled', { accountId, folderPath, enabled });
}

/** Rows of the messages table, whether or not a folder still holds them (the GC deletes the others). */
const storedRows = () =>
  withStore(data.path, (db) => db.prepare('SELECT message_id FROM messages').pluck().all() as string[]);

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  dovecot = await startDovecot();
  imap = await connectImap(dovecot);
  await appendMessages(
    imap,
    'INBOX',
    Array.from({ length: INBOX }, (_, i) => message('Inbox', i)),
  );
  await appendMessages(
    imap,
    'Junk',
    Array.from({ length: JUNK }, (_, i) => message('Junk', i)),
  );
  // Pages of 7: Junk's backfill takes two pages.
  core = await openTestCore(data.path, { sync: { budget: { maxMessages: 7, maxBytes: 1 << 20 } } });
  expectOk(await core.call('profile.create', { displayName: 'Folder tester' }));
  accountId = await addDovecotAccount(core, dovecot);
});
afterAll(() => stopServices({ imap, core, dovecot, keyring, data }));

describe('choosing the folders that sync', () => {
  it('leaves Junk and Trash out of the first sync', async () => {
    const status = await syncNow();
    expect(status.lastError).toBeNull();
    expect(folder(status, 'INBOX')).toMatchObject({ syncEnabled: true, done: INBOX, backfillComplete: true });
    expect(folder(status, 'Junk')).toMatchObject({ syncEnabled: false, done: 0, total: 0 });
    expect(folder(status, 'Trash')).toMatchObject({ syncEnabled: false });
    expect(status.messages).toBe(INBOX);
    const rows = await withStore(data.path, liveMessages);
    expect(rows.filter((row) => row.folders.includes('Junk'))).toEqual([]);
  });

  it('refuses an unknown account or folder with NOT_FOUND and a malformed input with VALIDATION', async () => {
    const noAccount = await core.call('sync.setFolderEnabled', {
      accountId: 'no-such-account',
      folderPath: 'Junk',
      enabled: true,
    });
    expect(noAccount).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const noFolder = await setFolder('Nowhere', true);
    expect(noFolder).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(noFolder.ok ? '' : noFolder.error.message).toContain('Nowhere');
    const malformed = await core.call('sync.setFolderEnabled', { accountId, folderPath: 'Junk' });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(folder(await syncStatus(core), 'Junk').syncEnabled).toBe(false);
  });

  it('syncs Junk from the next pass once it is turned on, backfilled from scratch', async () => {
    const turnedOn = expectOk(await setFolder('Junk', true));
    expect(turnedOn).toMatchObject({ path: 'Junk', role: 'junk', syncEnabled: true, done: 0, backfillComplete: false });
    // This core syncs only when asked (as the CLI does): nothing is fetched before the next pass.
    expect((await syncStatus(core)).messages).toBe(INBOX);

    const status = await syncNow();
    expect(status.lastError).toBeNull();
    expect(folder(status, 'Junk')).toMatchObject({
      syncEnabled: true,
      done: JUNK,
      total: JUNK,
      backfillComplete: true,
    });
    expect(status.messages).toBe(INBOX + JUNK);
    const junk = (await withStore(data.path, liveMessages)).filter((row) => row.folders === 'Junk');
    expect(junk.map((row) => row.message_id).sort()).toEqual(
      Array.from({ length: JUNK }, (_, i) => `junk-${i}@acme.test`).sort(),
    );
  });

  it('stops fetching Junk once turned off, keeps its stored mail, and the orphan GC of a full pass spares it', async () => {
    const turnedOff = expectOk(await setFolder('Junk', false));
    expect(turnedOff).toMatchObject({ path: 'Junk', syncEnabled: false, done: JUNK });

    await appendMessages(imap, 'Junk', [message('Junk', 100), message('Junk', 101)]);
    // An INBOX message deleted on the server leaves an orphan: proof that this pass ran the GC.
    const lock = await imap.getMailboxLock('INBOX');
    try {
      const [uid] = (await imap.search({ header: { 'message-id': 'inbox-0@acme.test' } }, { uid: true })) || [];
      await imap.messageDelete(String(uid), { uid: true });
    } finally {
      lock.release();
    }

    const status = await syncNow();
    expect(status.lastError).toBeNull();
    // Every synced folder is complete, so this full pass collected orphans.
    expect(status.folders.every((f) => !f.syncEnabled || f.backfillComplete)).toBe(true);
    expect(folder(status, 'Junk')).toMatchObject({ syncEnabled: false, done: JUNK });
    expect(status.messages).toBe(INBOX - 1 + JUNK);

    const rows = await storedRows();
    expect(rows).not.toContain('inbox-0@acme.test'); // collected
    expect(rows).not.toContain('junk-100@acme.test'); // never fetched
    expect(rows).not.toContain('junk-101@acme.test');
    expect(rows).toHaveLength(INBOX - 1 + JUNK); // no orphan left, no Junk message lost
    const junk = (await withStore(data.path, liveMessages)).filter((row) => row.folders === 'Junk');
    expect(junk).toHaveLength(JUNK);

    // A second full pass (nothing new) changes nothing either.
    expect((await syncNow()).messages).toBe(INBOX - 1 + JUNK);
    expect(await storedRows()).toHaveLength(INBOX - 1 + JUNK);
  });

  it('resumes Junk from its kept checkpoint when turned on again: the new mail only, nothing doubled', async () => {
    expectOk(await setFolder('Junk', true));
    const status = await syncNow();
    expect(folder(status, 'Junk')).toMatchObject({ syncEnabled: true, done: JUNK + 2, total: JUNK + 2 });
    const rows = await storedRows();
    expect(rows).toContain('junk-100@acme.test');
    expect(rows).toContain('junk-101@acme.test');
    expect(rows).toHaveLength(INBOX - 1 + JUNK + 2);
    expect(new Set(rows).size).toBe(rows.length);
  });

  it('with a background sync, takes a folder in as soon as it is turned on, and stops mid-pass when turned off', async () => {
    await core.close();
    // Polling every 10 minutes, and push watches only INBOX: only the request made by
    // sync.setFolderEnabled can bring Trash in within the test's time.
    core = await openTestCore(data.path, {
      backgroundSync: true,
      sync: { pollIntervalMs: 10 * 60_000, budget: { maxMessages: 7, maxBytes: 1 << 20 } },
    });
    await vi.waitFor(async () => expect((await syncStatus(core)).state).toBe('watching'), { timeout: 20_000 });
    const TRASH = 400;
    await appendMessages(
      imap,
      'Trash',
      Array.from({ length: TRASH }, (_, i) => message('Trash', i)),
    );

    expectOk(await setFolder('Trash', true));
    await vi.waitFor(async () => expect(folder(await syncStatus(core), 'Trash').done).toBeGreaterThan(0), {
      timeout: 20_000,
      interval: 5,
    });
    // Turned off with most of its 58 pages still to come: the running pass drops it after the
    // pages already fetched, rather than finishing its backfill.
    expectOk(await setFolder('Trash', false));
    await vi.waitFor(async () => expect((await syncStatus(core)).state).toBe('watching'), { timeout: 20_000 });
    const stopped = folder(await syncStatus(core), 'Trash');
    expect(stopped).toMatchObject({ syncEnabled: false, backfillComplete: false });
    expect(stopped.done).toBeGreaterThan(0);
    expect(stopped.done).toBeLessThan(TRASH);
    // What was copied stays, through another full pass.
    const after = await syncNow();
    expect(after.lastError).toBeNull();
    expect(folder(after, 'Trash').done).toBe(stopped.done);
  });
});
