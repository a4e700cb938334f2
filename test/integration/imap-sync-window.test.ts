import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImapFlow } from 'imapflow';
import type { AccountSyncStatus, FolderProgress } from '../../common/domain/mail.js';
import type { Settings } from '../../common/domain/profile.js';
import { ImapDriver } from '../../main/sync/drivers/imap/imap-driver.js';
import type { RemoteFolder } from '../../main/sync/mail-driver.js';
import { silentLogger } from '../../main/util/logger.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { buildMessage, connectImap } from '../harness/imap-client.js';
import { addDovecotAccount } from '../harness/mail-account.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { withStore } from '../harness/store-reader.js';
import { makeTempDir } from '../harness/temp-dir.js';
import { stopServices } from '../harness/stop-services.js';

// The sync window (Settings: backfill months) against a real Dovecot: the first sync copies only the
// window's mail; widening it later fills in the older mail without copying anything twice; narrowing
// it keeps what is stored, and stops a backfill still running at the new bound. SEARCH SINCE reads
// INTERNALDATE, so every message is appended with its date as its internal date.
let keyring: SecretService;
let dovecot: Dovecot;
let imap: ImapFlow;
const data = makeTempDir();
let core: Awaited<ReturnType<typeof openTestCore>>;

const MONTH_MS = 30 * 86_400_000;
const monthsAgo = (months: number): Date => new Date(Date.now() - months * MONTH_MS);
const OLD_INBOX = 9;
const RECENT_INBOX = 5;

async function appendDated(mailbox: string, prefix: string, count: number, date: Date): Promise<void> {
  for (let i = 0; i < count; i++) {
    const source = buildMessage({ subject: `${prefix} ${i}`, messageId: `${prefix}-${i}@window.test`, date });
    await imap.append(mailbox, source, [], date);
  }
}

async function syncNow(): Promise<AccountSyncStatus> {
  const [status] = expectOk(await core.call<AccountSyncStatus[]>('sync.run', { wait: true }));
  return status!;
}

const inbox = (status: AccountSyncStatus): FolderProgress => status.folders.find((f) => f.path === 'INBOX')!;

/** Every stored message's Message-ID, with repeats (a message copied twice would show twice). */
const storedIds = () =>
  withStore(
    data.path,
    (db) => db.prepare('SELECT message_id FROM messages ORDER BY message_id').pluck().all() as string[],
  );

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  dovecot = await startDovecot();
  imap = await connectImap(dovecot);
  // Oldest first, as a real server's UIDs follow arrival.
  await appendDated('INBOX', 'old', OLD_INBOX, monthsAgo(24));
  await appendDated('INBOX', 'recent', RECENT_INBOX, monthsAgo(1));
  await imap.mailboxCreate('Archive');
  await appendDated('Archive', 'a30', 4, monthsAgo(30));
  await appendDated('Archive', 'a18', 4, monthsAgo(18));
  await appendDated('Archive', 'a1', 4, monthsAgo(1));
  // Pages of 4: the older INBOX mail takes several pages to fill in.
  core = await openTestCore(data.path, { sync: { budget: { maxMessages: 4, maxBytes: 1 << 20 } } });
  expectOk(await core.call('profile.create', { displayName: 'Window tester' }));
  await addDovecotAccount(core, dovecot);
});
afterAll(() => stopServices({ imap, core, dovecot, keyring, data }));

describe('the sync window', () => {
  it('copies only the last 12 months at first, and says where the window starts', async () => {
    const status = await syncNow();
    expect(status.lastError).toBeNull();
    expect(inbox(status)).toMatchObject({ done: RECENT_INBOX, total: RECENT_INBOX, backfillComplete: true });
    const since = Date.parse(status.since ?? '');
    expect(Math.abs(since - monthsAgo(12).getTime())).toBeLessThan(8 * 86_400_000);
    const ids = await storedIds();
    expect(ids.filter((id) => id.startsWith('old-'))).toEqual([]);
    expect(ids.filter((id) => id.startsWith('recent-'))).toHaveLength(RECENT_INBOX);
  });

  it('fills in the older mail once the window is widened, copying nothing twice', async () => {
    const before = await storedIds();
    expect(expectOk(await core.call<Settings>('settings.update', { backfillMonths: null })).backfillMonths).toBeNull();
    const status = await syncNow();
    expect(status.since).toBeNull();
    expect(inbox(status)).toMatchObject({
      done: OLD_INBOX + RECENT_INBOX,
      total: OLD_INBOX + RECENT_INBOX,
      backfillComplete: true,
    });
    const ids = await storedIds();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => id.startsWith('old-'))).toHaveLength(OLD_INBOX);
    expect(ids.length).toBe(before.length + OLD_INBOX + 8);
  });

  it('keeps the stored mail when the window is narrowed again', async () => {
    expectOk(await core.call('settings.update', { backfillMonths: 12 }));
    const status = await syncNow();
    expect(status.lastError).toBeNull();
    expect(Date.parse(status.since ?? '')).toBeGreaterThan(monthsAgo(13).getTime());
    // A finished folder is left as it is: nothing is deleted, nothing fetched again.
    expect(inbox(status)).toMatchObject({ done: OLD_INBOX + RECENT_INBOX, backfillComplete: true });
    const ids = await storedIds();
    expect(ids.filter((id) => id.startsWith('old-'))).toHaveLength(OLD_INBOX);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the IMAP checkpoint under a changing window', () => {
  const budget = { maxMessages: 4, maxBytes: 1 << 20 };
  let driver: ImapDriver;
  let archive: RemoteFolder;
  const subjects = (page: { upserts: { source: Buffer }[] }): string[] =>
    page.upserts.map((m) => /^Subject: (.*)$/m.exec(m.source.toString())?.[1] ?? '').sort();

  beforeAll(async () => {
    const { user, password } = dovecot.users[0]!;
    driver = new ImapDriver(
      { host: dovecot.host, port: dovecot.imapsPort, security: 'tls', user, caCertPem: dovecot.caCertPem },
      password,
      silentLogger(),
    );
    archive = (await driver.listFolders()).find((folder) => folder.path === 'Archive')!;
  });
  afterAll(async () => {
    await driver?.close();
  });

  it('stops a running backfill at a narrower bound, and goes on below it once widened again', async () => {
    const first = await driver.fetchChanges(archive, null, { since: null }, budget, () => []);
    expect(subjects(first)).toEqual(['a1 0', 'a1 1', 'a1 2', 'a1 3']);
    expect(first.backfillComplete).toBe(false);

    // Narrowed to 24 months while the backfill runs: the 18-month-old mail comes, then it stops.
    const narrowed = await driver.fetchChanges(archive, first.nextCursor, { since: monthsAgo(24) }, budget, () => []);
    expect(subjects(narrowed)).toEqual(['a18 0', 'a18 1', 'a18 2', 'a18 3']);
    expect(narrowed.backfillComplete).toBe(true);
    expect(narrowed.remoteTotal).toBe(8);
    const stillNarrow = await driver.fetchChanges(
      archive,
      narrowed.nextCursor,
      { since: monthsAgo(24) },
      budget,
      () => [],
    );
    expect(stillNarrow.upserts).toEqual([]);
    expect(stillNarrow.backfillComplete).toBe(true);

    // Widened to everything: the rest, below what is stored, and nothing stored comes again.
    const widened = await driver.fetchChanges(archive, stillNarrow.nextCursor, { since: null }, budget, () => []);
    expect(subjects(widened)).toEqual(['a30 0', 'a30 1', 'a30 2', 'a30 3']);
    expect(widened.backfillComplete).toBe(true);
    expect(widened.remoteTotal).toBe(12);
  });

  it('looks up the window of a checkpoint written before windows were kept', async () => {
    const whole = await driver.fetchChanges(
      archive,
      null,
      { since: monthsAgo(24) },
      { maxMessages: 50, maxBytes: 1 << 20 },
      () => [],
    );
    expect(whole.upserts).toHaveLength(8);
    const legacy = JSON.parse(whole.nextCursor) as Record<string, unknown>;
    delete legacy['since'];
    const next = await driver.fetchChanges(archive, JSON.stringify(legacy), { since: null }, budget, () => []);
    expect(subjects(next)).toEqual(['a30 0', 'a30 1', 'a30 2', 'a30 3']);
    expect((JSON.parse(next.nextCursor) as { since: unknown }).since).toBeNull();
  });
});
