import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FolderChanges, RemoteFolder, RemoteMessage, SyncScope } from '../../main/sync/mail-driver.js';
import { staticAccessToken } from '../../main/sync/oauth/access-token.js';
import { GmailDriver } from '../../main/sync/drivers/gmail/gmail-driver.js';
import { parseMessage } from '../../main/sync/mime/parse-message.js';
import { RateGovernor } from '../../main/sync/rate-governor.js';
import { silentLogger } from '../../main/util/logger.js';
import { attachmentMessage, textMessage, type CorpusMessage } from '../fakes/gmail/corpus.js';
import { FakeGmailServer } from '../fakes/gmail/gmail-server.js';

// The Gmail driver on the real googleapis client against the fake Gmail API: full sync, resume,
// incremental (history), expired history, attachments on demand.

const BUDGET = { maxMessages: 100, maxBytes: 6 * 1024 * 1024 };
const EVERYTHING: SyncScope = { since: null };
const INBOX: RemoteFolder = { path: 'INBOX', name: 'Inbox', role: 'inbox' };

/** What the engine would hold of one folder: the cursor and the messages by remote id. */
class FolderState {
  cursor: string | null = null;
  readonly messages = new Map<string, RemoteMessage>();
  pages = 0;
  resets = 0;
  upserted = 0;

  apply(page: FolderChanges): void {
    this.pages += 1;
    if (page.reset) {
      this.resets += 1;
      this.messages.clear();
    }
    for (const message of page.upserts) this.messages.set(message.remoteId, message);
    this.upserted += page.upserts.length;
    for (const id of page.deletes) this.messages.delete(id);
    for (const change of page.flagChanges) {
      const message = this.messages.get(change.remoteId);
      if (message) message.flags = change.flags;
    }
    this.cursor = page.nextCursor;
  }
}

async function syncAll(driver: GmailDriver, folder: RemoteFolder, state: FolderState, scope = EVERYTHING) {
  for (let i = 0; i < 100; i++) {
    const page = await driver.fetchChanges(folder, state.cursor, scope, BUDGET, () => [...state.messages.keys()]);
    state.apply(page);
    if (!page.more) return page;
  }
  throw new Error('sync did not finish');
}

let fake: FakeGmailServer;
let driver: GmailDriver;
let governor: RateGovernor;
const byMessageId = new Map<string, CorpusMessage & { gmailId: string }>();
let withAttachments: (ReturnType<typeof attachmentMessage> & { gmailId: string })[] = [];
const COUNT = 300;

beforeAll(async () => {
  // Quota is exercised in gmail-resilience.test.ts; here a roomy one so that several full syncs
  // of the same mailbox fit in a minute.
  fake = await FakeGmailServer.start({ quotaUnits: 1_000_000 });
  const { accessToken } = fake.grant();
  for (let i = 0; i < COUNT; i++) {
    const message = textMessage(i);
    const labelIds = i % 3 === 0 ? ['INBOX'] : ['INBOX', 'UNREAD'];
    if (i % 10 === 0) labelIds.push('STARRED');
    const { id } = fake.addMessage(message.raw, { labelIds, internalDate: message.date });
    byMessageId.set(message.messageId, { ...message, gmailId: id });
  }
  withAttachments = [0, 1, 2].map((i) => {
    const message = attachmentMessage(i);
    const { id } = fake.addMessage(message.raw, { labelIds: ['INBOX', 'UNREAD'], internalDate: message.date });
    return { ...message, gmailId: id };
  });
  fake.addMessage(textMessage(1000).raw, { labelIds: ['SENT'] });
  fake.addMessage(textMessage(1001).raw, { labelIds: ['SPAM', 'UNREAD'] });
  const clients = fake.createLabel('Clients/Acme');
  fake.addMessage(textMessage(1002).raw, { labelIds: [clients] });
  governor = new RateGovernor({ units: 1_000_000, windowMs: 60_000, maxConcurrent: 4 });
  driver = new GmailDriver({
    tokens: staticAccessToken(accessToken),
    rootUrl: fake.rootUrl,
    log: silentLogger(),
    governor,
  });
});

afterAll(async () => {
  await driver?.close();
  await fake?.close();
});

describe('Gmail driver against the fake Gmail API', () => {
  it('lists labels as folders: system folders with roles, user labels, no flag labels', async () => {
    const folders = await driver.listFolders();
    expect(folders.slice(0, 5)).toEqual([
      { path: 'INBOX', name: 'Inbox', role: 'inbox' },
      { path: 'SENT', name: 'Sent', role: 'sent' },
      { path: 'DRAFT', name: 'Drafts', role: 'drafts' },
      { path: 'SPAM', name: 'Spam', role: 'junk' },
      { path: 'TRASH', name: 'Trash', role: 'trash' },
    ]);
    expect(folders.find((folder) => folder.name === 'Clients/Acme')).toMatchObject({ role: 'other' });
    expect(folders.map((folder) => folder.path)).not.toContain('UNREAD');
    expect(folders.map((folder) => folder.path)).not.toContain('STARRED');
    expect(folders.some((folder) => folder.path.startsWith('CATEGORY_'))).toBe(false);
  });

  it('full-syncs the Inbox newest first, in pages, one get per message, flags from labels', async () => {
    fake.resetStats();
    const state = new FolderState();
    const last = await syncAll(driver, INBOX, state);
    expect(last.backfillComplete).toBe(true);
    expect(state.messages.size).toBe(COUNT + 3);
    expect(state.upserted).toBe(COUNT + 3);
    expect(state.pages).toBe(Math.ceil((COUNT + 3) / BUDGET.maxMessages));
    expect(last.remoteTotal).toBe(COUNT + 3);
    // Newest first across pages.
    const dates = [...state.messages.values()].map((message) => Date.parse(message.internalDate!));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    // One messages.get (format=full) per message; what is rebuilt parses as the original.
    expect(fake.stats.byMethod['messages.get']).toBe(COUNT + 3);
    for (const entry of byMessageId.values()) {
      const message = state.messages.get(entry.gmailId)!;
      const [rebuilt, original] = await Promise.all([parseMessage(message.source), parseMessage(entry.raw)]);
      expect({ ...rebuilt, warnings: [] }).toEqual({ ...original, warnings: [] });
      expect(message.sourceTruncated).toBe(false);
      expect(message.attachments).toEqual([]);
    }
    const zero = [...byMessageId.values()][0]!;
    expect(state.messages.get(zero.gmailId)!.flags.sort()).toEqual(['\\Flagged', '\\Seen']);
    const unread = [...byMessageId.values()][1]!;
    expect(state.messages.get(unread.gmailId)!.flags).toEqual([]);
    // The quota spent is what the published costs say: per page one list (5), and per message
    // one full get (5), plus getProfile (1) once.
    expect(fake.stats.units).toBe(1 + state.pages * 5 + (COUNT + 3) * 5);
    expect(fake.stats.batches).toBeGreaterThanOrEqual(Math.ceil((COUNT + 3) / 50));
    expect(fake.stats.overQuota).toBe(0);
  });

  it('keeps attachments on the server: text rebuilt from format=full, metadata listed, content on demand', async () => {
    const state = new FolderState();
    await syncAll(driver, INBOX, state);
    for (const sent of withAttachments) {
      const message = state.messages.get(sent.gmailId)!;
      expect(message.size).toBe(sent.raw.length);
      expect(message.source.length).toBeLessThan(4096);
      expect(message.source.toString()).toContain('Subject: Contract');
      expect(message.attachments).toEqual([
        {
          filename: 'logo.png',
          contentType: 'image/png',
          size: 2048,
          contentId: `logo${withAttachments.indexOf(sent)}@x`,
          partId: '2',
          inline: true,
        },
        {
          filename: `Verträge ${withAttachments.indexOf(sent)}.pdf`,
          contentType: 'application/pdf',
          size: sent.pdf.length,
          contentId: null,
          partId: '3',
          inline: false,
        },
      ]);
      const pdf = await driver.fetchPart('INBOX', state.cursor, sent.gmailId, '3', 25 * 1024 * 1024);
      expect(pdf.equals(sent.pdf)).toBe(true);
      const png = await driver.fetchPart('INBOX', state.cursor, sent.gmailId, '2', 25 * 1024 * 1024);
      expect(png.equals(sent.png)).toBe(true);
    }
    await expect(driver.fetchPart('INBOX', state.cursor, withAttachments[0]!.gmailId, '3', 1024)).rejects.toMatchObject(
      {
        code: 'TOO_LARGE',
      },
    );
    await expect(driver.fetchPart('INBOX', state.cursor, withAttachments[0]!.gmailId, '9', 1024)).rejects.toMatchObject(
      {
        code: 'NOT_FOUND',
      },
    );
    await expect(driver.fetchPart('INBOX', state.cursor, 'ffffffffffffffff', '2', 1024)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('bounds the first sync by the scope (after:) and resumes from a committed page after a crash', async () => {
    const since = new Date(Date.UTC(2026, 10, 1) - 49.5 * 3_600_000);
    const scope = { since };
    const first = new FolderState();
    const page = await driver.fetchChanges(INBOX, null, scope, { ...BUDGET, maxMessages: 20 }, () => []);
    first.apply(page);
    expect(page.more).toBe(true);
    expect(page.remoteTotal).toBe(50 + 3);
    // "Crash": a new driver from the committed cursor.
    const again = new GmailDriver({
      tokens: staticAccessToken(fake.grant().accessToken),
      rootUrl: fake.rootUrl,
      log: silentLogger(),
    });
    await syncAll(again, INBOX, first, scope);
    await again.close();
    expect(first.messages.size).toBe(50 + 3);
    expect(first.upserted).toBe(50 + 3);
  });

  it('fills in the older mail once the scope is widened (after:/before:), fetching nothing twice', async () => {
    const since = new Date(Date.UTC(2026, 10, 1) - 49.5 * 3_600_000);
    const state = new FolderState();
    await syncAll(driver, INBOX, state, { since });
    expect(state.messages.size).toBe(50 + 3);

    // 100 hours further back: the next 100 messages, after the history (nothing new here).
    fake.resetStats();
    const wider = { since: new Date(since.getTime() - 100 * 3_600_000) };
    const first = await driver.fetchChanges(INBOX, state.cursor, wider, { ...BUDGET, maxMessages: 40 }, () => [
      ...state.messages.keys(),
    ]);
    state.apply(first);
    expect(first.more).toBe(true);
    expect(first.backfillComplete).toBe(false);
    await syncAll(driver, INBOX, state, wider);
    expect(state.messages.size).toBe(150 + 3);
    expect(fake.stats.byMethod['messages.get']).toBe(100);

    // Then everything: the rest, and no message of the 153 comes down again.
    const last = await syncAll(driver, INBOX, state, EVERYTHING);
    expect(last.backfillComplete).toBe(true);
    expect(state.messages.size).toBe(COUNT + 3);
    expect(state.upserted).toBe(COUNT + 3);
    expect(last.remoteTotal).toBe(COUNT + 3);
    // Settled: a pass with the same scope lists nothing older.
    fake.resetStats();
    const quiet = await driver.fetchChanges(INBOX, state.cursor, EVERYTHING, BUDGET, () => [...state.messages.keys()]);
    expect(quiet.upserts).toEqual([]);
    expect(fake.stats.byMethod['messages.list'] ?? 0).toBe(0);
  });

  it('narrowed while listing, stops fetching the older mail, keeps what is stored, and fills it in again if widened', async () => {
    // Everything asked for: one page of the newest 100 comes down.
    const state = new FolderState();
    fake.resetStats();
    const first = await driver.fetchChanges(INBOX, null, EVERYTHING, BUDGET, () => [...state.messages.keys()]);
    state.apply(first);
    expect(first.more).toBe(true);
    expect(state.messages.size).toBe(100);

    // Then the last 50 hours only (Settings): the listing starts again under that bound and ends
    // without a message fetched twice; the 47 older ones already stored stay.
    const since = new Date(Date.UTC(2026, 10, 1) - 49.5 * 3_600_000);
    const narrowed = await syncAll(driver, INBOX, state, { since });
    expect(narrowed.backfillComplete).toBe(true);
    expect(state.messages.size).toBe(100);
    expect(fake.stats.byMethod['messages.get']).toBe(100);

    // Everything again: the older mail is listed below the narrowed bound, stored ids skipped.
    const widened = await syncAll(driver, INBOX, state, EVERYTHING);
    expect(widened.backfillComplete).toBe(true);
    expect(state.messages.size).toBe(COUNT + 3);
    expect(state.upserted).toBe(COUNT + 3);
    expect(fake.stats.byMethod['messages.get']).toBe(COUNT + 3);
  });

  it('brings new mail, label changes and deletions incrementally (history.list)', async () => {
    const state = new FolderState();
    await syncAll(driver, INBOX, state);
    const before = state.upserted;
    fake.resetStats();
    const fresh = fake.addMessage(textMessage(-1).raw, { labelIds: ['INBOX', 'UNREAD'] });
    const entries = [...byMessageId.values()];
    const read = entries[1]!.gmailId;
    fake.modifyLabels(read, ['STARRED'], ['UNREAD']);
    const archived = entries[2]!.gmailId;
    fake.modifyLabels(archived, [], ['INBOX']);
    const deleted = entries[4]!.gmailId;
    fake.deleteMessage(deleted);
    const other = fake.addMessage(textMessage(-2).raw, { labelIds: ['SENT'] });
    const page = await syncAll(driver, INBOX, state);
    expect(page.reset).toBe(false);
    expect(state.messages.has(fresh.id)).toBe(true);
    expect(state.messages.has(other.id)).toBe(false);
    expect(state.messages.get(read)!.flags.sort()).toEqual(['\\Flagged', '\\Seen']);
    expect(state.messages.has(archived)).toBe(false);
    expect(state.messages.has(deleted)).toBe(false);
    // Only the new message came down; the label change was a flag change, not a refetch.
    expect(state.upserted - before).toBe(1);
    expect(fake.stats.byMethod['history.list']).toBe(1);
    expect(fake.stats.byMethod['messages.get']).toBe(1);

    // Archived mail put back in the Inbox comes back (known? no: it was removed, so fetched).
    fake.modifyLabels(archived, ['INBOX']);
    await syncAll(driver, INBOX, state);
    expect(state.messages.has(archived)).toBe(true);
    // A quiet pass costs one history.list (2 units) and changes nothing.
    fake.resetStats();
    const quiet = await driver.fetchChanges(INBOX, state.cursor, EVERYTHING, BUDGET, () => [...state.messages.keys()]);
    expect(quiet).toMatchObject({ reset: false, upserts: [], deletes: [], flagChanges: [], more: false });
    expect(fake.stats.units).toBe(2);
  });

  it('re-syncs a label without duplicates when its history expired (404 → reset)', async () => {
    const state = new FolderState();
    await syncAll(driver, INBOX, state);
    const ids = new Set(state.messages.keys());
    fake.expireHistory();
    const added = fake.addMessage(textMessage(-3).raw, { labelIds: ['INBOX'] });
    const gone = [...ids][7]!;
    fake.deleteMessage(gone);
    const first = await driver.fetchChanges(INBOX, state.cursor, EVERYTHING, BUDGET, () => [...state.messages.keys()]);
    expect(first.reset).toBe(true);
    state.apply(first);
    await syncAll(driver, INBOX, state);
    expect(state.resets).toBe(1);
    const expected = new Set(fake.messageIds().filter((id) => fake.labelsOf(id).includes('INBOX')));
    expect(new Set(state.messages.keys())).toEqual(expected);
    expect(state.messages.has(added.id)).toBe(true);
    expect(state.messages.has(gone)).toBe(false);
    // Afterwards, incremental again.
    const next = await driver.fetchChanges(INBOX, state.cursor, EVERYTHING, BUDGET, () => [...state.messages.keys()]);
    expect(next.reset).toBe(false);
    expect(next.upserts).toEqual([]);
  });

  it('syncs Spam (junk role) and user labels like any folder', async () => {
    const folders = await driver.listFolders();
    const spam = new FolderState();
    await syncAll(
      driver,
      folders.find((folder) => folder.role === 'junk')!,
      spam,
    );
    expect(spam.messages.size).toBe(1);
    const acme = new FolderState();
    await syncAll(
      driver,
      folders.find((folder) => folder.name === 'Clients/Acme')!,
      acme,
    );
    expect(acme.messages.size).toBe(1);
    expect([...acme.messages.values()][0]!.flags).toEqual(['\\Seen']);
  });

  it('lists the label again when the server refuses a stored page token', async () => {
    const first = await driver.fetchChanges(INBOX, null, EVERYTHING, BUDGET, () => []);
    const cursor = JSON.parse(first.nextCursor) as { pageToken: string };
    expect(cursor.pageToken).toEqual(expect.any(String));
    const stale = JSON.stringify({ ...cursor, pageToken: 'no-longer-valid' });
    const again = await driver.fetchChanges(INBOX, stale, EVERYTHING, BUDGET, () => []);
    expect(again.reset).toBe(false);
    expect(again.upserts.map((message) => message.remoteId)).toEqual(first.upserts.map((message) => message.remoteId));
  });

  it('watches by polling the mailbox historyId (no Pub/Sub push in a desktop app)', async () => {
    const watcher = new GmailDriver({
      tokens: staticAccessToken(fake.grant().accessToken),
      rootUrl: fake.rootUrl,
      log: silentLogger(),
      governor,
      pollIntervalMs: 30,
    });
    const changed: string[] = [];
    const sent: RemoteFolder = { path: 'SENT', name: 'Sent', role: 'sent' };
    const watch = await watcher.watch([INBOX, sent], (path) => changed.push(path));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(changed).toEqual([]);
    fake.addMessage(textMessage(-10).raw, { labelIds: ['INBOX'] });
    for (let i = 0; i < 50 && changed.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(changed).toEqual(['INBOX', 'SENT']);
    await watch.dispose();
    const seen = changed.length;
    fake.addMessage(textMessage(-11).raw, { labelIds: ['INBOX'] });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(changed.length).toBe(seen);
    await watcher.close();
  });
});
