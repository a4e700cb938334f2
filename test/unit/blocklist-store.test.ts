import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ContactLinker } from '../../main/crm/contact-linker.js';
import type { Address, IncomingMessage } from '../../main/store/repositories/mail-repository.js';
import { Store } from '../../main/store/store.js';
import { silentLogger } from '../../main/util/logger.js';
import { incomingMessage as message } from '../harness/mail-fixtures.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The blocklist in the encrypted store: blocking deletes a sender's mail through the same paths
// as every delete (counters and contact links stay right), pages from a blocked sender
// become tombstones, and a tombstone goes only in the transaction that stores its message again.

const NOW = '2026-06-01T00:00:00.000Z';
const dirs: ReturnType<typeof makeTempDir>[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

const me = { name: 'Me', address: 'me@mycorp.test' };
const at = (address: string, name = ''): Address => ({ name, address });

function openStore(): Store {
  const dir = makeTempDir();
  dirs.push(dir);
  const keys = { databaseKey: randomBytes(32), fieldKey: randomBytes(32) };
  return Store.open(join(dir.path, 'clientele.db'), keys, { create: true });
}

function mailbox(store: Store) {
  store.accounts.insert({
    id: 'a',
    kind: 'imap',
    email: 'me@mycorp.test',
    displayName: 'Me',
    config: {},
    createdAt: '2026-01-01T00:00:00Z',
  });
  const [inbox, sent] = store.mail.upsertFolders(
    'a',
    [
      { path: 'INBOX', name: 'INBOX', role: 'inbox' },
      { path: 'Sent', name: 'Sent', role: 'sent' },
    ],
    () => true,
  );
  const apply = (folderId: number, upserts: IncomingMessage[], extra: { reset?: boolean; deletes?: string[] } = {}) =>
    store.mail.applyPage({
      accountId: 'a',
      folderId,
      reset: extra.reset ?? false,
      upserts,
      deletes: extra.deletes ?? [],
      flagChanges: [],
      cursor: `cursor-${folderId}`,
      remoteTotal: upserts.length,
      backfillComplete: true,
      syncedAt: NOW,
    });
  return { inbox: inbox!, sent: sent!, apply };
}

const count = (store: Store, sql: string, ...params: unknown[]) =>
  store.db
    .prepare(sql)
    .pluck()
    .get(...params) as number;

describe('blocklist store', () => {
  it('blocking deletes the sender’s mail with its counters and contact links (the search index: see test/integration/blocklist.test.ts); other mail stays', async () => {
    const store = openStore();
    const { inbox, sent, apply } = mailbox(store);
    apply(sent.id, [message(1, { direction: 'sent', from: [me], to: [at('dana@globex.test', 'Dana')] })]);
    apply(inbox.id, [
      message(2, { from: [at('Dana@Globex.test', 'Dana')], to: [me], text: 'zanzibar one', inReplyTo: 'm1@x.test' }),
      message(3, { from: [at('dana@globex.test', 'Dana')], to: [me], text: 'zanzibar two' }),
      message(4, { from: [at('vic@vendor.test')], to: [me], text: 'zanzibar three' }),
    ]);
    // Message 3 is also in Sent (another location of the same message).
    apply(sent.id, [message(3, { remoteId: '33', from: [at('dana@globex.test', 'Dana')], to: [me] })]);
    await new ContactLinker(() => store, silentLogger()).drain();
    const dana = count(store, "SELECT contact_id FROM contact_emails WHERE address = 'dana@globex.test'");
    expect(count(store, 'SELECT count(*) FROM message_contacts WHERE contact_id = ?', dana)).toBe(3);

    expect(store.blocklist.preview('address', 'dana@globex.test')).toEqual({ messages: 2, alreadyBlocked: false });
    const { entry, removed } = store.blocklist.add('address', 'dana@globex.test', NOW);
    expect(removed).toBe(2);
    // Three server copies are kept out: message 2 in INBOX, message 3 in INBOX and in Sent.
    expect(entry).toMatchObject({ kind: 'address', value: 'dana@globex.test', blockedMessages: 3 });

    expect(
      store.db
        .prepare('SELECT remote_id FROM messages m JOIN message_locations l ON l.message = m.id ORDER BY 1')
        .pluck()
        .all(),
    ).toEqual(['1', '4']);
    expect(store.mail.accountMessageCount('a')).toBe(2);
    expect(store.mail.folderMessageCount(inbox.id)).toBe(1);
    expect(store.mail.folderMessageCount(sent.id)).toBe(1);
    // The contact stays, without any mail (not even the one the user sent it), and explains why.
    expect(count(store, 'SELECT count(*) FROM message_contacts WHERE contact_id = ?', dana)).toBe(0);
    expect(store.crm.explain('dana@globex.test')).toMatchObject({ rule: 'blocked', isContact: true });
    expect(store.crm.explain('dana@globex.test').explanation).toContain('is blocked (its address)');
    expect(
      count(
        store,
        'SELECT count(*) FROM threads WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = threads.id)',
      ),
    ).toBe(0);
    expect(() => store.blocklist.add('address', 'dana@globex.test', NOW)).toThrow(/already blocked/);
    store.close();
  });

  it('a page from a blocked sender becomes tombstones; unblocked, its messages are stored again once', () => {
    const store = openStore();
    const { inbox, apply } = mailbox(store);
    store.blocklist.add('domain', 'spam.test', NOW);
    apply(inbox.id, [
      message(1, { from: [at('bot@mail.spam.test')], to: [me] }),
      message(2, { from: [at('friend@fine.test')], to: [me] }),
    ]);
    expect(store.mail.accountMessageCount('a')).toBe(1);
    expect(store.blocklist.list()).toMatchObject([{ value: 'spam.test', blockedMessages: 1 }]);
    expect(store.blocklist.released('a')).toEqual([]);

    const id = store.blocklist.list()[0]!.id;
    expect(store.blocklist.remove(id)).toMatchObject({ released: 1 });
    expect(store.blocklist.released('a')).toEqual([
      { folderId: inbox.id, folderPath: 'INBOX', remoteId: '1', cursor: `cursor-${inbox.id}` },
    ]);
    // Released but not stored yet: the tombstone is still there (a kill now loses nothing).
    expect(count(store, 'SELECT count(*) FROM blocked_messages')).toBe(1);
    store.mail.applyRestored({
      accountId: 'a',
      folderId: inbox.id,
      upserts: [message(1, { from: [at('bot@mail.spam.test')], to: [me] })],
      gone: [],
    });
    expect(count(store, 'SELECT count(*) FROM blocked_messages')).toBe(0);
    expect(store.mail.accountMessageCount('a')).toBe(2);
    // The same message seen again by a later page: filed by identity, never twice.
    apply(inbox.id, [message(1, { from: [at('bot@mail.spam.test')], to: [me] })]);
    expect(count(store, 'SELECT count(*) FROM messages')).toBe(2);
    store.close();
  });

  it('keeps a tombstone while another entry still blocks its sender; drops those gone from the server', () => {
    const store = openStore();
    const { inbox, apply } = mailbox(store);
    apply(inbox.id, [
      message(1, { from: [at('a@spam.test')], to: [me] }),
      message(2, { from: [at('b@spam.test')], to: [me] }),
    ]);
    const byAddress = store.blocklist.add('address', 'a@spam.test', NOW).entry;
    expect(store.blocklist.add('domain', 'spam.test', NOW).removed).toBe(1);
    expect(store.blocklist.remove(byAddress.id).released).toBe(0);
    expect(store.blocklist.released('a')).toEqual([]);
    const byDomain = store.blocklist.list()[0]!;
    expect(store.blocklist.remove(byDomain.id).released).toBe(2);
    expect(store.blocklist.released('a').map((t) => t.remoteId)).toEqual(['1', '2']);
    store.mail.applyRestored({ accountId: 'a', folderId: inbox.id, upserts: [], gone: ['1'] });
    expect(store.blocklist.released('a').map((t) => t.remoteId)).toEqual(['2']);
    // Blocked again before the sync stored it: the restored message stays a tombstone.
    store.blocklist.add('address', 'b@spam.test', NOW);
    store.mail.applyRestored({
      accountId: 'a',
      folderId: inbox.id,
      upserts: [message(2, { from: [at('b@spam.test')], to: [me] })],
      gone: [],
    });
    expect(count(store, 'SELECT count(*) FROM messages')).toBe(0);
    expect(count(store, 'SELECT count(*) FROM blocked_messages')).toBe(1);
    store.close();
  });

  it('a folder reset drops its tombstones (the resync files every message anew); so does an expunge', () => {
    const store = openStore();
    const { inbox, apply } = mailbox(store);
    store.blocklist.add('address', 'a@spam.test', NOW);
    apply(inbox.id, [
      message(1, { from: [at('a@spam.test')], to: [me] }),
      message(2, { from: [at('a@spam.test')], to: [me] }),
    ]);
    expect(count(store, 'SELECT count(*) FROM blocked_messages')).toBe(2);
    apply(inbox.id, [], { deletes: ['1'] });
    expect(count(store, 'SELECT count(*) FROM blocked_messages')).toBe(1);
    apply(inbox.id, [message(2, { remoteId: '7', from: [at('a@spam.test')], to: [me] })], { reset: true });
    expect(store.db.prepare('SELECT remote_id FROM blocked_messages').pluck().all()).toEqual(['7']);
    store.close();
  });

  it('matches addresses outside ASCII whatever their case (SQLite folds ASCII only)', () => {
    const store = openStore();
    const { inbox, apply } = mailbox(store);
    apply(inbox.id, [
      message(1, { from: [at('Ünal@Örnek.test')], to: [me] }),
      message(2, { from: [at('unal@ornek.test')], to: [me] }),
    ]);
    expect(store.blocklist.add('address', 'ünal@örnek.test', NOW).removed).toBe(1);
    expect(store.blocklist.add('domain', 'ornek.test', NOW).removed).toBe(1);
    expect(store.mail.accountMessageCount('a')).toBe(0);
    store.close();
  });

  it('the linker makes no contact of a blocked address, and decides again once it is unblocked', async () => {
    const store = openStore();
    const { sent, apply } = mailbox(store);
    const linker = new ContactLinker(() => store, silentLogger());
    const entry = store.blocklist.add('domain', 'globex.test', NOW).entry;
    apply(sent.id, [message(1, { direction: 'sent', from: [me], to: [at('dana@sales.globex.test', 'Dana')] })]);
    await linker.drain();
    expect(count(store, 'SELECT count(*) FROM contacts')).toBe(0);
    expect(store.crm.explain('dana@sales.globex.test')).toMatchObject({ rule: 'blocked', isContact: false });
    expect(store.crm.explain('dana@sales.globex.test').explanation).toContain('the domain globex.test');

    store.blocklist.remove(entry.id);
    await linker.drain();
    expect(store.crm.explain('dana@sales.globex.test')).toMatchObject({ rule: 'sent-recipient', isContact: true });
    store.close();
  });
});
