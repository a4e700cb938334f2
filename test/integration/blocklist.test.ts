import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImapFlow } from 'imapflow';
import type { BlockEntry, BlockPreview, BlockResult } from '../../common/domain/blocklist.js';
import type { ContactDetail, LinkExplanation } from '../../common/domain/crm.js';
import type { AccountSyncStatus } from '../../common/domain/mail.js';
import type { SearchResults } from '../../common/domain/search.js';
import { runCli } from '../harness/cli.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { addDovecotAccount, syncStatus } from '../harness/mail-account.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { withStore } from '../harness/store-reader.js';
import { makeTempDir } from '../harness/temp-dir.js';
import { stopServices } from '../harness/stop-services.js';

// The blocklist against a real Dovecot mailbox synced by the compiled core (pages of 3): blocking
// deletes a sender's stored mail (its search hits and contact links with it, counters right),
// keeps new mail from it out, and unblocking makes the next sync fetch exactly those messages
// again, once. Then the same through the CLI, in processes of its own.
let keyring: SecretService;
let dovecot: Dovecot;
let imap: ImapFlow;
const data = makeTempDir();
let core: Awaited<ReturnType<typeof openTestCore>> | null = null;

const recent = (days: number) => new Date(Date.now() - days * 86_400_000);
const sync = async () => {
  const [status] = expectOk(await core!.call<AccountSyncStatus[]>('sync.run', { wait: true }));
  expect(status!.lastError).toBeNull();
  return status!;
};
const search = async (query: string) =>
  expectOk(await core!.call<SearchResults>('search.messages', { query, catchUp: true, limit: 100 })).hits;
/** The Message-IDs stored (live or not), each as many times as it is stored. */
const storedMessageIds = () =>
  withStore(data.path, (db) => db.prepare('SELECT message_id FROM messages ORDER BY 1').pluck().all() as string[]);
/** What the server holds from a sender, by Message-ID. */
const serverMessageIds = async (from: string) => {
  const ids: string[] = [];
  for (const mailbox of ['INBOX', 'Sent']) {
    const lock = await imap.getMailboxLock(mailbox);
    try {
      const uids = (await imap.search({ from }, { uid: true })) || [];
      if (uids.length === 0) continue;
      for await (const message of imap.fetch(uids, { envelope: true }, { uid: true })) {
        ids.push(message.envelope!.messageId!.replace(/^<|>$/g, ''));
      }
    } finally {
      lock.release();
    }
  }
  return ids.sort();
};

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  dovecot = await startDovecot();
  imap = await connectImap(dovecot);
  core = await openTestCore(data.path, { sync: { budget: { maxMessages: 3, maxBytes: 1 << 20 } } });
  expectOk(await core.call('profile.create', { displayName: 'Blocklist tester' }));
  await appendMessages(imap, 'Sent', [
    buildMessage({
      subject: 'Proposal',
      messageId: 'proposal@example.test',
      from: 'Alice <alice@example.test>',
      to: 'Dana Scully <dana@globex.test>',
      date: recent(9),
    }),
  ]);
  await appendMessages(imap, 'INBOX', [
    buildMessage({
      subject: 'Re: Proposal',
      messageId: 'dana-1@globex.test',
      from: 'Dana Scully <dana@globex.test>',
      to: 'alice@example.test',
      inReplyTo: 'proposal@example.test',
      references: 'proposal@example.test',
      body: 'Zanzibar pricing attached.\n',
      date: recent(8),
    }),
    ...[2, 3].map((n) =>
      buildMessage({
        subject: `Status ${n}`,
        messageId: `dana-${n}@globex.test`,
        from: 'Dana Scully <dana@globex.test>',
        to: 'alice@example.test',
        body: `Zanzibar status ${n}.\n`,
        date: recent(8 - n),
      }),
    ),
    buildMessage({
      subject: 'Zanzibar offer',
      messageId: 'vic@vendor.test',
      from: 'Vic <vic@vendor.test>',
      to: 'alice@example.test',
      body: 'Zanzibar for less.\n',
      date: recent(4),
    }),
    buildMessage({
      messageId: 'spam-1@spammy.test',
      from: 'spam@spammy.test',
      to: 'alice@example.test',
      date: recent(3),
    }),
    buildMessage({
      messageId: 'spam-2@news.spammy.test',
      from: 'News <n@news.spammy.test>',
      to: 'alice@example.test',
      date: recent(3),
    }),
    buildMessage({
      messageId: 'bob@notspammy.test',
      from: 'bob@notspammy.test',
      to: 'alice@example.test',
      date: recent(2),
    }),
  ]);
});
afterAll(() => stopServices({ imap, core, dovecot, keyring, data }));

describe('blocklist', () => {
  let danaEntry: BlockEntry;

  it('blocking an address deletes its mail, search hits and contact links; other mail stays', async () => {
    const live = core!;
    await addDovecotAccount(live, dovecot);
    expect((await sync()).messages).toBe(8);
    expect((await search('zanzibar')).length).toBe(4);
    const contacts = expectOk(await live.call<{ items: { id: number; email: string }[] }>('contacts.list', {}));
    const dana = contacts.items.find((contact) => contact.email === 'dana@globex.test')!;
    expect(expectOk(await live.call<ContactDetail>('contacts.get', { id: dana.id })).messages).toBe(4);

    const preview = expectOk(
      await live.call<BlockPreview>('blocklist.preview', { kind: 'address', value: 'Dana@Globex.test' }),
    );
    expect(preview).toEqual({ kind: 'address', value: 'dana@globex.test', messages: 3, alreadyBlocked: false });
    const blocked = expectOk(
      await live.call<BlockResult>('blocklist.add', { kind: 'address', value: 'Dana@Globex.test' }),
    );
    expect(blocked.removed).toBe(3);
    danaEntry = blocked.entry;

    const status = await syncStatus(live);
    expect(status.messages).toBe(5);
    expect(status.folders.find((folder) => folder.path === 'INBOX')!.done).toBe(4);
    expect((await storedMessageIds()).filter((id) => id.endsWith('@globex.test'))).toEqual([]);
    expect((await search('zanzibar')).map((hit) => hit.from?.address)).toEqual(['vic@vendor.test']);
    // The contact stays (it may hold notes), without mail; contacts.explain says why.
    expect(expectOk(await live.call<ContactDetail>('contacts.get', { id: dana.id })).messages).toBe(0);
    const why = expectOk(await live.call<LinkExplanation>('contacts.explain', { address: 'dana@globex.test' }));
    expect(why).toMatchObject({ rule: 'blocked', isContact: true });

    expect(await live.call('blocklist.add', { kind: 'address', value: 'dana@globex.test' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(await live.call('blocklist.add', { kind: 'address', value: 'not an address' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });

  it('new mail from a blocked sender is not imported', async () => {
    await appendMessages(imap, 'INBOX', [
      buildMessage({
        subject: 'Still there?',
        messageId: 'dana-4@globex.test',
        from: 'Dana Scully <dana@globex.test>',
        to: 'alice@example.test',
        body: 'Zanzibar again.\n',
        date: recent(1),
      }),
    ]);
    expect((await sync()).messages).toBe(5);
    expect(await storedMessageIds()).not.toContain('dana-4@globex.test');
    const [entry] = expectOk(await core!.call<BlockEntry[]>('blocklist.list', {}));
    expect(entry).toMatchObject({ value: 'dana@globex.test', blockedMessages: 4 });
  });

  it('blocking a domain takes its subdomains, not look-alike domains', async () => {
    const result = expectOk(await core!.call<BlockResult>('blocklist.add', { kind: 'domain', value: '@spammy.test' }));
    expect(result).toMatchObject({ removed: 2, entry: { kind: 'domain', value: 'spammy.test' } });
    const stored = await storedMessageIds();
    expect(stored).not.toContain('spam-1@spammy.test');
    expect(stored).not.toContain('spam-2@news.spammy.test');
    expect(stored).toContain('bob@notspammy.test');
    expect((await syncStatus(core!)).messages).toBe(3);
  });

  it('unblocking makes the next sync fetch exactly the blocked messages again, once', async () => {
    const live = core!;
    expect(expectOk(await live.call<{ released: number }>('blocklist.remove', { id: danaEntry.id }))).toEqual({
      released: 4,
    });
    await sync();
    const dana = (await storedMessageIds()).filter((id) => id.endsWith('@globex.test'));
    expect(dana).toEqual(await serverMessageIds('dana@globex.test'));
    expect(dana).toEqual(['dana-1@globex.test', 'dana-2@globex.test', 'dana-3@globex.test', 'dana-4@globex.test']);
    expect((await syncStatus(live)).messages).toBe(7);
    // Another pass changes nothing: no duplicates, no tombstone left for them.
    await sync();
    expect((await storedMessageIds()).filter((id) => id.endsWith('@globex.test'))).toEqual(dana);
    expect(await withStore(data.path, (db) => db.prepare('SELECT sender FROM blocked_messages').pluck().all())).toEqual(
      ['n@news.spammy.test', 'spam@spammy.test'].sort(),
    );
    expect((await search('zanzibar')).length).toBe(5);
    const why = expectOk(await live.call<LinkExplanation>('contacts.explain', { address: 'dana@globex.test' }));
    expect(why.rule).not.toBe('blocked');
    expect(why.isContact).toBe(true);
    const contact = expectOk(await live.call<ContactDetail>('contacts.get', { id: why.contactId! }));
    expect(contact.messages).toBe(5);
  });

  it('when UIDVALIDITY changed meanwhile, the folder resync brings the unblocked mail, once', async () => {
    const live = core!;
    const project = [1, 2].map((n) =>
      buildMessage({
        subject: `Project ${n}`,
        messageId: `project-${n}@agency.test`,
        from: 'Agency <pm@agency.test>',
        to: 'alice@example.test',
        date: recent(1),
      }),
    );
    await imap.mailboxCreate('Projects');
    await appendMessages(imap, 'Projects', project);
    const before = (await sync()).messages;
    const { entry, removed } = expectOk(
      await live.call<BlockResult>('blocklist.add', { kind: 'domain', value: 'agency.test' }),
    );
    expect(removed).toBe(2);
    // Delete and recreate: the same messages under a new UIDVALIDITY and new UIDs.
    await imap.mailboxDelete('Projects');
    await imap.mailboxCreate('Projects');
    await appendMessages(imap, 'Projects', project);
    expect(expectOk(await live.call<{ released: number }>('blocklist.remove', { id: entry.id })).released).toBe(2);
    expect((await sync()).messages).toBe(before);
    expect((await storedMessageIds()).filter((id) => id.endsWith('@agency.test'))).toEqual([
      'project-1@agency.test',
      'project-2@agency.test',
    ]);
    expect(
      await withStore(data.path, (db) =>
        db.prepare("SELECT count(*) FROM blocked_messages WHERE sender = 'pm@agency.test'").pluck().get(),
      ),
    ).toBe(0);
  });

  it('round-trips through the CLI (processes of their own)', async () => {
    await core!.close();
    core = null;
    const cli = (args: string[]) => runCli(['--data-dir', data.path, ...args], { env: keyring.env });

    const listed = await cli(['block', 'list', '--json']);
    expect(listed.json).toMatchObject({
      ok: true,
      value: [{ kind: 'domain', value: 'spammy.test', blockedMessages: 2 }],
    });
    const dry = await cli(['block', 'add', 'vic@vendor.test', '--dry-run', '--json']);
    expect(dry.json).toMatchObject({ ok: true, value: { kind: 'address', value: 'vic@vendor.test', messages: 1 } });
    const added = await cli(['block', 'add', 'vic@vendor.test']);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Blocked vic@vendor.test: 1 message deleted from this computer.');
    expect(await storedMessageIds()).not.toContain('vic@vendor.test');

    const removed = await cli(['block', 'remove', 'spammy.test', '--json']);
    expect(removed.json).toMatchObject({ ok: true, value: { entry: { value: 'spammy.test' }, released: 2 } });
    const synced = await cli(['sync', '--once', '--json']);
    expect(synced.code).toBe(0);
    const stored = await storedMessageIds();
    expect(stored.filter((id) => id.includes('spammy.test'))).toEqual([
      'bob@notspammy.test',
      'spam-1@spammy.test',
      'spam-2@news.spammy.test',
    ]);
    expect(stored).not.toContain('vic@vendor.test');

    const human = await cli(['block', 'list']);
    expect(human.stdout).toMatch(/address\s+vic@vendor\.test\s+\(1 message kept out\)/);
    const missing = await cli(['block', 'remove', 'nobody@nowhere.test', '--json']);
    expect(missing.code).toBe(1);
    expect(missing.json).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
