import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ContactLinker } from '../../main/crm/contact-linker.js';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import type { Address, IncomingMessage } from '../../main/store/repositories/mail-repository.js';
import { Store } from '../../main/store/store.js';
import { silentLogger } from '../../main/util/logger.js';
import { incomingMessage } from '../harness/mail-fixtures.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Linking synced mail in the encrypted store: the right contacts, companies and links, the same
// result however the work is cut into batches (a kill -9 between two batches), and nothing
// changes when it all runs again.

const NOW = '2026-06-01T00:00:00.000Z';
const dirs: ReturnType<typeof makeTempDir>[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function openStore(): Store {
  return openAt(MIGRATIONS).store;
}

/** A store at some schema, and how to open it again with every migration (an upgrade). */
function openAt(migrations: typeof MIGRATIONS): { store: Store; reopen(): Store } {
  const dir = makeTempDir();
  dirs.push(dir);
  const keys = { databaseKey: randomBytes(32), fieldKey: randomBytes(32) };
  const path = join(dir.path, 'clientele.db');
  const store = Store.open(path, keys, { create: true, migrations });
  return {
    store,
    reopen: () => {
      store.close();
      return Store.open(path, keys, { create: false });
    },
  };
}

const me = { name: 'Me', address: 'me@mycorp.test' };
const at = (address: string, name = ''): Address => ({ name, address });

const message = incomingMessage;

/** A mailbox synced newest first: the replies arrive before the mail they answer. */
function syncMailbox(store: Store): void {
  store.accounts.insert({
    id: 'a',
    kind: 'imap',
    email: 'Me@MyCorp.test',
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
  const apply = (folderId: number, upserts: IncomingMessage[]) =>
    store.mail.applyPage({
      accountId: 'a',
      folderId,
      reset: false,
      upserts,
      deletes: [],
      flagChanges: [],
      cursor: 'c',
      remoteTotal: upserts.length,
      backfillComplete: false,
      syncedAt: NOW,
    });
  apply(inbox!.id, [
    // Replies to the proposal (message 10), newer than it.
    message(20, {
      from: [at('ann@acme.test', 'Ann Archer')],
      to: [me],
      inReplyTo: 'm10@x.test',
      references: ['m10@x.test'],
    }),
    message(21, { from: [at('carol@acme.test', 'Carol Chen')], to: [me], references: ['m10@x.test'] }),
    message(22, { from: [at('digest@letters.test', 'Weekly')], to: [me], listId: 'weekly.letters.test' }),
    message(23, { from: [at('cold@vendor.test', 'Cold Pitch')], to: [me] }),
    message(24, { from: [at('no-reply@acme.test')], to: [me] }),
  ]);
  apply(sent!.id, [
    message(10, {
      direction: 'sent',
      from: [me],
      to: [at('ann@acme.test'), at('undisclosed-recipients')],
      cc: [at('bob.baker@gmail.com', 'Bob Baker'), at('colleague@mycorp.test', 'Colleague')],
      bcc: [at('noreply@acme.test')],
    }),
    // From an alias: its sender is the user too.
    message(11, { direction: 'sent', from: [at('ada@lovelace.test', 'Ada')], to: [at('dan@initech.co.uk')] }),
  ]);
}

function linkAll(store: Store, batchSize: number): void {
  const linker = new ContactLinker(() => store, silentLogger(), { batchSize });
  while (linker.linkBatch(NOW) > 0);
}

/** Every CRM row, to compare two stores or a store before and after. */
function snapshot(store: Store): Record<string, string[]> {
  const tables = [
    'contacts',
    'contact_emails',
    'companies',
    'contact_companies',
    'message_contacts',
    'message_participants',
    'link_decisions',
    'own_addresses',
    'crm_link_queue',
  ];
  return Object.fromEntries(
    tables.map((table) => [
      table,
      store.db
        .prepare(`SELECT * FROM ${table}`)
        .all()
        .map((row) => JSON.stringify(row))
        .sort(),
    ]),
  );
}

describe('linking synced mail into contacts', () => {
  it('makes the right contacts, companies and links (mode: sent mail and replies)', () => {
    const store = openStore();
    syncMailbox(store);
    expect(store.crm.queueSize()).toBe(7);
    linkAll(store, 3);
    expect(store.crm.queueSize()).toBe(0);

    const contacts = store.crm.listContacts(undefined, undefined, 100).items;
    expect(contacts.map((c) => c.email).sort()).toEqual([
      'ann@acme.test',
      'bob.baker@gmail.com',
      'carol@acme.test',
      'dan@initech.co.uk',
    ]);
    // Newest activity first: Carol's and Ann's replies are the newest mail.
    expect(contacts.map((c) => c.email).slice(0, 2)).toEqual(['carol@acme.test', 'ann@acme.test']);
    const byEmail = new Map(contacts.map((c) => [c.email, c]));
    expect(byEmail.get('ann@acme.test')).toMatchObject({
      name: 'Ann Archer',
      company: { domain: 'acme.test', name: 'Acme' },
    });
    expect(byEmail.get('bob.baker@gmail.com')).toMatchObject({ name: 'Bob Baker', company: null });
    expect(byEmail.get('dan@initech.co.uk')).toMatchObject({ name: 'Dan', company: { name: 'Initech' } });

    const companies = store.crm.listCompanies(undefined, 100).items;
    expect(companies.map((c) => [c.domain, c.name, c.contacts])).toEqual([
      ['acme.test', 'Acme', 2],
      ['initech.co.uk', 'Initech', 1],
    ]);

    // Ann: the proposal she received and her reply, linked before she was a contact.
    const ann = store.crm.getContact(byEmail.get('ann@acme.test')!.id, new Date('2026-02-01T00:00:00Z'))!;
    expect(ann).toMatchObject({ emails: ['ann@acme.test'], messages: 2, recentMessages: 2, source: 'mail' });

    const explain = (address: string) => store.crm.explain(address);
    // Two creations (her reply, the mail to her): the earliest stored message's stands.
    expect(explain('ann@acme.test')).toMatchObject({ isContact: true, rule: 'replied-sender' });
    expect(explain('dan@initech.co.uk')).toMatchObject({ isContact: true, rule: 'sent-recipient' });
    expect(explain('carol@acme.test')).toMatchObject({ isContact: true, rule: 'replied-sender' });
    expect(explain('bob.baker@gmail.com')).toMatchObject({ isContact: true, companyRule: 'free-mail-domain' });
    expect(explain('digest@letters.test')).toMatchObject({ isContact: false, rule: 'bulk-mail' });
    expect(explain('digest@letters.test').explanation).toContain('List-Id: weekly.letters.test');
    expect(explain('cold@vendor.test')).toMatchObject({ isContact: false, rule: 'mode-sent-only' });
    expect(explain('no-reply@acme.test')).toMatchObject({ isContact: false, rule: 'role-address' });
    expect(explain('colleague@mycorp.test')).toMatchObject({ isContact: false, rule: 'own-domain' });
    expect(explain('ME@mycorp.test')).toMatchObject({ isContact: false, rule: 'own-address' });
    expect(explain('ada@lovelace.test')).toMatchObject({ isContact: false, rule: 'own-address' });
    expect(explain('nobody@nowhere.test')).toMatchObject({ seen: false, isContact: false, rule: 'not-seen' });
  });

  it('gives the same store whatever the batches, and changes nothing when run again', () => {
    const oneGo = openStore();
    syncMailbox(oneGo);
    linkAll(oneGo, 100);
    const piecemeal = openStore();
    syncMailbox(piecemeal);
    linkAll(piecemeal, 1);
    expect(snapshot(piecemeal)).toEqual(snapshot(oneGo));

    const before = snapshot(oneGo);
    // Re-deciding every message of the account (what a change of mode does) writes nothing new.
    oneGo.crm.setContactMode('a', 'sent');
    expect(oneGo.crm.queueSize()).toBe(7);
    linkAll(oneGo, 2);
    expect(snapshot(oneGo)).toEqual(before);
  });

  it('leaves a batch that dies midway entirely undone (a crash inside the transaction)', () => {
    const reference = openStore();
    syncMailbox(reference);
    linkAll(reference, 100);

    const store = openStore();
    syncMailbox(store);
    const before = snapshot(store);
    const crm = store.crm;
    const linkMessage = crm.linkMessage.bind(crm);
    let calls = 0;
    crm.linkMessage = (...args) => {
      if (++calls === 4) throw new Error('killed');
      linkMessage(...args);
    };
    expect(() => new ContactLinker(() => store, silentLogger(), { batchSize: 100 }).linkBatch(NOW)).toThrow('killed');
    expect(snapshot(store)).toEqual(before);
    crm.linkMessage = linkMessage;
    linkAll(store, 100);
    expect(snapshot(store)).toEqual(snapshot(reference));
  });

  it('skips a message it cannot link instead of stalling the queue behind it', async () => {
    const store = openStore();
    syncMailbox(store);
    const crm = store.crm;
    const linkMessage = crm.linkMessage.bind(crm);
    const poisoned = crm.queued(100).find((message) => message.direction === 'sent')!.id;
    crm.linkMessage = (message, ...rest) => {
      if (message.id === poisoned) throw new Error('unreadable');
      linkMessage(message, ...rest);
    };
    await new ContactLinker(() => store, silentLogger(), { batchSize: 3 }).drain();
    expect(crm.queueSize()).toBe(0);
    // The proposal (the poisoned one) made no contacts; the alias's mail still made Dan one.
    expect(crm.explain('dan@initech.co.uk')).toMatchObject({ isContact: true });
    expect(crm.explain('bob.baker@gmail.com')).toMatchObject({ seen: false, isContact: false });
  });

  /** A store whose linker turns `syncing` on when it links the second message (a pass begins). */
  function passBeginsAtSecondMessage() {
    const store = openStore();
    syncMailbox(store);
    const crm = store.crm;
    const state = { syncing: false, linked: 0 };
    const linkMessage = crm.linkMessage.bind(crm);
    crm.linkMessage = (message, ...rest) => {
      state.linked += 1;
      if (state.linked === 2) state.syncing = true;
      linkMessage(message, ...rest);
    };
    const linker = new ContactLinker(() => store, silentLogger(), {
      batchSize: 1,
      delayMs: 0,
      busy: () => state.syncing,
    });
    return { crm, state, linker };
  }

  const turns = async (count: number) => {
    for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };

  it('gives way to a sync pass between batches when linking in the background, and resumes after it', async () => {
    const { crm, state, linker } = passBeginsAtSecondMessage();
    expect(crm.queueSize()).toBe(7);
    linker.schedule();
    await vi.waitFor(() => expect(state.linked).toBe(2));
    await turns(10);
    // Stopped after the batch in hand: a pushed message's pass does not wait behind the backlog.
    expect(state.linked).toBe(2);
    expect(crm.queueSize()).toBe(5);
    state.syncing = false;
    await vi.waitFor(() => expect(crm.queueSize()).toBe(0), { timeout: 5_000 });
    await linker.stop();
  });

  it('goes to the end, busy or not, when a call waits for the queue', async () => {
    const { crm, state, linker } = passBeginsAtSecondMessage();
    linker.schedule();
    await vi.waitFor(() => expect(state.syncing).toBe(true));
    await linker.drain();
    expect(state.syncing).toBe(true);
    expect(crm.queueSize()).toBe(0);
    await linker.stop();
  });

  it('follows the account mode: all mail makes the cold sender a contact, off makes none', () => {
    const all = openStore();
    syncMailbox(all);
    all.crm.setContactMode('a', 'all');
    linkAll(all, 50);
    expect(all.crm.explain('cold@vendor.test')).toMatchObject({ isContact: true, rule: 'received-participant' });
    expect(all.crm.explain('digest@letters.test')).toMatchObject({ isContact: false, rule: 'bulk-mail' });

    const off = openStore();
    syncMailbox(off);
    off.crm.setContactMode('a', 'off');
    linkAll(off, 50);
    expect(off.crm.listContacts(undefined, undefined, 10).items).toEqual([]);
    expect(off.crm.explain('ann@acme.test')).toMatchObject({ isContact: false, rule: 'mode-off' });
  });

  it('drains again after a drain that found nothing to do (the sync commits after the profile opened)', async () => {
    const store = openStore();
    const linker = new ContactLinker(() => store, silentLogger(), { batchSize: 2 });
    await linker.drain();
    syncMailbox(store);
    await linker.drain();
    expect(store.crm.queueSize()).toBe(0);
    expect(store.crm.listContacts(undefined, undefined, 10).items).toHaveLength(4);
    await linker.stop();
    store.crm.setContactMode('a', 'all');
    linker.schedule();
    await linker.drain();
    expect(store.crm.queueSize()).toBe(7); // stopped: the queue waits for the next start
  });

  it('waits while a sync pass runs, then links what was queued; a contacts call does not wait', async () => {
    const store = openStore();
    let syncing = true;
    const linker = new ContactLinker(() => store, silentLogger(), { delayMs: 10, busy: () => syncing });
    syncMailbox(store);
    const queued = store.crm.queueSize();
    expect(queued).toBeGreaterThan(0);
    linker.schedule();
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(store.crm.queueSize()).toBe(queued); // held back for the sync
    syncing = false;
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(store.crm.queueSize()).toBe(0);
    syncing = true;
    store.crm.setContactMode('a', 'all');
    await linker.drain(); // what a contacts call does: never waits for the sync
    expect(store.crm.queueSize()).toBe(0);
    await linker.stop();
  });

  it('links the mail of a profile synced before the CRM existed (upgrade from schema 3)', () => {
    const old = openAt(MIGRATIONS.slice(0, 3));
    syncMailbox(old.store);
    const upgraded = old.reopen();
    try {
      expect(upgraded.crm.queueSize()).toBe(7);
      expect(upgraded.crm.accountSettings('a')).toMatchObject({ mode: 'sent', email: 'me@mycorp.test' });
      linkAll(upgraded, 4);
      expect(upgraded.crm.listContacts(undefined, undefined, 10).items).toHaveLength(4);
    } finally {
      upgraded.close();
    }
  });

  it('pages contacts and finds them by a prefix of a name or an address', () => {
    const store = openStore();
    syncMailbox(store);
    linkAll(store, 100);
    const first = store.crm.listContacts(undefined, undefined, 3);
    expect(first.items).toHaveLength(3);
    const second = store.crm.listContacts(undefined, first.next!, 3);
    expect(second.next).toBeNull();
    expect([...first.items, ...second.items].map((c) => c.id).sort()).toEqual(
      store.crm
        .listContacts(undefined, undefined, 10)
        .items.map((c) => c.id)
        .sort(),
    );
    expect(store.crm.listContacts('baker', undefined, 10).items.map((c) => c.email)).toEqual(['bob.baker@gmail.com']);
    expect(store.crm.listContacts('CAR', undefined, 10).items.map((c) => c.email)).toEqual(['carol@acme.test']);
    expect(store.crm.listContacts('dan@init', undefined, 10).items.map((c) => c.email)).toEqual(['dan@initech.co.uk']);
    expect(store.crm.listContacts('acme', undefined, 10).items).toEqual([]);
  });
});
