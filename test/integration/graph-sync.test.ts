import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphDriver } from '../../main/sync/drivers/graph/graph-driver.js';
import type { RemoteFolder } from '../../main/sync/mail-driver.js';
import { silentLogger } from '../../main/util/logger.js';
import { FakeGraphServer } from '../fakes/graph/graph-server.js';
import { LocalMirror } from '../fakes/graph/local-mirror.js';
import { testMail, type TestMail } from '../fakes/graph/messages.js';
import { RefreshingTestTokenSource } from '../fakes/graph/token-source.js';

// The real @microsoft/microsoft-graph-client against the fake Graph: a full sync of 300 messages
// over three folders, then incremental changes, then a lost delta state.
let fake: FakeGraphServer;
let driver: GraphDriver;
let tokens: RefreshingTestTokenSource;
let folders: RemoteFolder[];
let mirror: LocalMirror;
const mails = new Map<string, TestMail>();
let clientsFolder = '';

beforeAll(async () => {
  fake = await new FakeGraphServer().start();
  clientsFolder = fake.addFolder('Clients');
  fake.addFolder('Acme', clientsFolder);
  const inbox = fake.folderId('inbox');
  const sent = fake.folderId('sentitems');
  const plan: [string, number][] = [
    [inbox, 150],
    [sent, 80],
    [clientsFolder, 70],
  ];
  let index = 0;
  for (const [folderId, count] of plan) {
    for (let i = 0; i < count; i++, index++) {
      // Every 10th message has a big attachment (left on the server), every 10th+5 a small one.
      const attachmentBytes = index % 10 === 0 ? 60_000 : index % 10 === 5 ? 2_000 : 0;
      const mail = testMail(index, { attachmentBytes });
      const id = await fake.addMessage(mail.mime, folderId, { isRead: index % 3 === 0, flagged: index % 7 === 0 });
      mails.set(id, mail);
    }
  }
  const grant = fake.oauth.grant(fake.user);
  tokens = new RefreshingTestTokenSource(
    fake.tokenEndpoint(),
    'graph-client-id',
    grant.refreshToken,
    grant.accessToken,
  );
  driver = new GraphDriver({ tokens, baseUrl: fake.url, log: silentLogger() });
  mirror = new LocalMirror(driver, { maxMessages: 40, maxBytes: 8 << 20 });
});

afterAll(async () => {
  await driver?.close();
  await fake?.stop();
});

function expectMirrorMatchesServer(): void {
  for (const folder of folders) {
    expect(mirror.ids(folder.path), folder.name).toEqual(fake.messageIds(folder.path).sort());
  }
  expect(mirror.duplicates()).toEqual([]);
}

describe('GraphDriver against the fake Graph', () => {
  it('lists folders with their roles', async () => {
    expect(await driver.verify()).toBe(fake.user);
    folders = await driver.listFolders();
    const byName = new Map(folders.map((folder) => [folder.name, folder.role]));
    expect(byName.get('Inbox')).toBe('inbox');
    expect(byName.get('Sent Items')).toBe('sent');
    expect(byName.get('Deleted Items')).toBe('trash');
    expect(byName.get('Junk Email')).toBe('junk');
    expect(byName.get('Drafts')).toBe('drafts');
    expect(byName.get('Archive')).toBe('archive');
    expect(byName.get('Clients')).toBe('other');
    expect(byName.get('Clients/Acme')).toBe('other');
    folders = folders.filter((folder) => ['Inbox', 'Sent Items', 'Clients'].includes(folder.name));
  });

  it('syncs 300 messages over three folders: sources, flags, attachments left on the server', async () => {
    await mirror.syncAll(folders);
    expectMirrorMatchesServer();
    const all = [...mirror.folders.values()].flatMap((held) => [...held.values()]);
    expect(all).toHaveLength(300);
    // Paged by the budget (40 a page): ceil(150/40) + ceil(80/40) + ceil(70/40).
    expect(mirror.pages).toBe(8);
    let big = 0;
    for (const held of all) {
      const mail = mails.get(held.remoteId)!;
      expect(held.messageId).toBe(mail.messageId);
      const index = Number(/Subject: Message (\d+)/.exec(mail.mime)![1]);
      expect(held.flags.includes('\\Seen')).toBe(index % 3 === 0);
      expect(held.flags.includes('\\Flagged')).toBe(index % 7 === 0);
      if (mail.attachment && mail.attachment.length > 32 * 1024) {
        big += 1;
        // Rebuilt without the attachment, which is listed as metadata instead.
        expect(held.message.source.length).toBeLessThan(5_000);
        expect(held.message.attachments).toHaveLength(1);
        expect(held.message.attachments[0]).toMatchObject({
          filename: `report-${index}.pdf`,
          contentType: 'application/pdf',
          size: mail.attachment.length,
        });
        const parsed = await simpleParser(held.message.source);
        expect(parsed.text).toContain(`Hello number ${index}.`);
        expect(parsed.subject).toBe(`Message ${index}`);
        expect(parsed.attachments).toHaveLength(0);
      } else {
        expect(held.message.attachments).toEqual([]);
        expect(held.message.source.toString('utf8')).toBe(mail.mime);
      }
    }
    expect(big).toBe(30);
    // Bodies came in batches, within the mailbox limits.
    expect(fake.stats.batches).toBeGreaterThan(0);
    expect(fake.stats.byPath['/me/messages/{id}/$value'] ?? 0).toBeGreaterThanOrEqual(240);
    expect(fake.stats.peakConcurrency).toBeLessThanOrEqual(4);
    expect(fake.stats.throttledConcurrency + fake.stats.throttledWindow + fake.stats.acceptedOverLimit).toBe(0);
  });

  it('downloads an attachment on demand, from either kind of part id', async () => {
    const inbox = folders.find((folder) => folder.role === 'inbox')!;
    const held = [...mirror.folders.get(inbox.path)!.values()];
    const bigOne = held.find((m) => m.message.attachments.length === 1)!;
    const content = await driver.fetchPart(
      inbox.path,
      null,
      bigOne.remoteId,
      bigOne.message.attachments[0]!.partId!,
      1 << 20,
    );
    expect(content.equals(mails.get(bigOne.remoteId)!.attachment!)).toBe(true);
    await expect(
      driver.fetchPart(inbox.path, null, bigOne.remoteId, bigOne.message.attachments[0]!.partId!, 1000),
    ).rejects.toMatchObject({ code: 'TOO_LARGE' });
    const smallOne = held.find((m) => (mails.get(m.remoteId)!.attachment?.length ?? 0) === 2_000)!;
    const small = await driver.fetchPart(inbox.path, null, smallOne.remoteId, '2', 1 << 20);
    expect(small.equals(mails.get(smallOne.remoteId)!.attachment!)).toBe(true);
    await expect(driver.fetchPart(inbox.path, null, 'no-such-id', '2', 1 << 20)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('applies new mail, read and flag changes, a move and a delete incrementally', async () => {
    const inbox = folders.find((folder) => folder.role === 'inbox')!;
    const clients = folders.find((folder) => folder.path === clientsFolder)!;
    const inboxIds = fake.messageIds(inbox.path);
    const [readId, flagId, moveId, deleteId] = inboxIds;
    const fresh = testMail(1000);
    const freshId = await fake.addMessage(fresh.mime, inbox.path);
    mails.set(freshId, fresh);
    fake.setRead(readId!, true);
    fake.setFlag(flagId!, 'flagged');
    fake.move(moveId!, clients.path);
    fake.delete(deleteId!);
    fake.resetStats();

    await mirror.syncAll(folders);
    expectMirrorMatchesServer();
    const heldInbox = mirror.folders.get(inbox.path)!;
    expect(heldInbox.get(freshId)?.messageId).toBe(fresh.messageId);
    expect(heldInbox.get(readId!)?.flags).toContain('\\Seen');
    expect(heldInbox.get(flagId!)?.flags).toContain('\\Flagged');
    expect(heldInbox.has(moveId!)).toBe(false);
    expect(heldInbox.has(deleteId!)).toBe(false);
    // Immutable ids: the moved message keeps its id in its new folder.
    expect(mirror.folders.get(clients.path)!.get(moveId!)?.messageId).toBe(mails.get(moveId!)!.messageId);
    // Only the new and the moved message were downloaded again.
    expect(fake.stats.byPath['/me/messages/{id}/$value'] ?? 0).toBeLessThanOrEqual(2);
  });

  it('a lost delta state (410) starts the folder over without duplicates', async () => {
    fake.invalidateDeltaTokens();
    const before = mirror.resets;
    await mirror.syncAll(folders);
    expect(mirror.resets - before).toBe(folders.length);
    expectMirrorMatchesServer();
    // And the next pass is incremental again.
    fake.resetStats();
    await mirror.syncAll(folders);
    expect(fake.stats.byPath['/me/messages/{id}/$value'] ?? 0).toBe(0);
    expectMirrorMatchesServer();
  });

  it('a large incremental round is paged by the budget too', async () => {
    const inbox = folders.find((folder) => folder.role === 'inbox')!;
    for (let i = 0; i < 60; i++) {
      const mail = testMail(2000 + i);
      mails.set(await fake.addMessage(mail.mime, inbox.path), mail);
    }
    const pagesBefore = mirror.pages;
    await mirror.syncFolder(inbox);
    expect(mirror.pages - pagesBefore).toBe(2);
    expectMirrorMatchesServer();
  });

  it('a cursor from another folder or a garbled one starts over with a reset', async () => {
    const inbox = folders.find((folder) => folder.role === 'inbox')!;
    const page = await driver.fetchChanges(
      inbox,
      '{"not":"ours"}',
      { since: null },
      { maxMessages: 500, maxBytes: 1 << 30 },
      () => [],
    );
    expect(page.reset).toBe(true);
    expect(page.upserts.length).toBe(fake.messageIds(inbox.path).length);
    expect(page.more).toBe(false);
  });

  it('a first sync with a backfill window asks only for mail received since then', async () => {
    const sent = folders.find((folder) => folder.role === 'sent')!;
    // Sent Items holds messages 150..229, one a minute from 2024-01-01T00:00Z.
    const since = new Date(Date.UTC(2024, 0, 1) + 200 * 60_000);
    const page = await driver.fetchChanges(sent, null, { since }, { maxMessages: 500, maxBytes: 1 << 30 }, () => []);
    expect(page.upserts.length).toBe(30);
    expect(page.upserts.every((message) => new Date(message.internalDate!) >= since)).toBe(true);
    expect(page.backfillComplete).toBe(true);
  });

  it('fills in the older mail once the window is widened: a new round, stored ids not fetched again', async () => {
    const sent = folders.find((folder) => folder.role === 'sent')!;
    const budget = { maxMessages: 500, maxBytes: 1 << 30 };
    const since = new Date(Date.UTC(2024, 0, 1) + 200 * 60_000);
    const stored = new Set<string>();
    const first = await driver.fetchChanges(sent, null, { since }, budget, () => []);
    for (const message of first.upserts) stored.add(message.remoteId);
    expect(stored.size).toBe(30);

    // The window rolled forward by an hour (a later day's pass): nothing new is asked for.
    const later = { since: new Date(since.getTime() + 3_600_000) };
    const rolled = await driver.fetchChanges(sent, first.nextCursor, later, budget, () => [...stored]);
    expect(rolled.upserts).toEqual([]);
    expect(rolled.more).toBe(false);

    // Everything: a new round lists the folder again at once.
    const round = await driver.fetchChanges(sent, rolled.nextCursor, { since: null }, budget, () => [...stored]);
    // Only the 50 older ones are fetched; the 30 stored come back as flag updates.
    expect(round.upserts.length).toBe(50);
    expect(round.upserts.every((message) => !stored.has(message.remoteId))).toBe(true);
    expect(round.flagChanges.length).toBe(30);
    expect(round.deletes).toEqual([]);
    expect(round.backfillComplete).toBe(true);
    expect(round.more).toBe(false);
  });

  // A new round lists only what the folder holds: mail removed before it began is never reported to
  // it as removed, so the round that a wider window starts reconciles the stored ids at its end.
  it('a widened window drops the stored mail the server deleted meanwhile, from a finished or a running round', async () => {
    const sent = folders.find((folder) => folder.role === 'sent')!;
    const since = new Date(Date.UTC(2024, 0, 1) + 200 * 60_000);
    const stored = new Set<string>();
    const fetch = async (cursor: string | null, scope: { since: Date | null }, maxMessages: number) => {
      const page = await driver.fetchChanges(sent, cursor, scope, { maxMessages, maxBytes: 1 << 30 }, () => [
        ...stored,
      ]);
      for (const message of page.upserts) stored.add(message.remoteId);
      for (const id of page.deletes) stored.delete(id);
      return page;
    };

    // A finished round of the last 30, then one of them deleted and none synced before the widening.
    const first = await fetch(null, { since }, 500);
    expect(first.more).toBe(false);
    const [gone] = [...stored];
    fake.delete(gone!);
    const widened = await fetch(first.nextCursor, { since: null }, 500);
    expect(widened.more).toBe(false);
    expect(widened.deletes).toEqual([gone]);
    expect([...stored].sort()).toEqual(fake.messageIds(sent.path).sort());

    // A running first round (pages of 10) of a narrow window, one of its stored messages deleted
    // before a wider window replaces the round.
    stored.clear();
    const narrow = new Date(Date.UTC(2024, 0, 1) + 215 * 60_000);
    const running = await fetch(null, { since: narrow }, 10);
    expect(running.more).toBe(true);
    const [goneToo] = [...stored];
    fake.delete(goneToo!);
    let page = await fetch(running.nextCursor, { since }, 10);
    while (page.more) page = await fetch(page.nextCursor, { since }, 10);
    expect(page.deletes).toContain(goneToo);
    // The 30 of the wider window less the two deleted, each once, all still on the server.
    expect(stored.size).toBe(28);
    expect(stored.has(goneToo!)).toBe(false);
    const onServer = new Set(fake.messageIds(sent.path));
    expect([...stored].every((id) => onServer.has(id))).toBe(true);
  });
});
