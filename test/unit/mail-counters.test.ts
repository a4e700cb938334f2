import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import type { IncomingMessage } from '../../main/store/repositories/mail-repository.js';
import { Store } from '../../main/store/store.js';
import { incomingMessage, pageToApply } from '../harness/mail-fixtures.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The message counters sync.status reads (migration 0003, kept by triggers) against counting
// the rows, after every kind of write the sync makes.

const dirs: ReturnType<typeof makeTempDir>[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function openStore(migrations = MIGRATIONS): {
  store: Store;
  path: string;
  keys: { databaseKey: Buffer; fieldKey: Buffer };
} {
  const dir = makeTempDir();
  dirs.push(dir);
  const path = join(dir.path, 'clientele.db');
  const keys = { databaseKey: randomBytes(32), fieldKey: randomBytes(32) };
  return { store: Store.open(path, keys, { create: true, migrations }), path, keys };
}

function addAccount(store: Store, id: string): void {
  store.accounts.insert({
    id,
    kind: 'imap',
    email: `${id}@x.test`,
    displayName: id,
    config: {},
    createdAt: '2026-01-01T00:00:00Z',
  });
}

function message(n: number, remoteId = String(n)): IncomingMessage {
  return incomingMessage(n, { remoteId, from: [{ name: '', address: 'carol@acme.test' }] });
}

const page = pageToApply;

/** The counters equal the counts, for every folder and account. */
function expectExact(store: Store): void {
  const db = store.db;
  const folders = db
    .prepare(
      'SELECT f.id, f.message_count AS counter, (SELECT count(*) FROM message_locations l WHERE l.folder_id = f.id) AS actual FROM folders f',
    )
    .all() as { id: number; counter: number; actual: number }[];
  for (const folder of folders) expect(folder.counter, `folder ${folder.id}`).toBe(folder.actual);
  const accounts = db
    .prepare(
      `SELECT a.id, a.message_count AS counter, (SELECT count(*) FROM messages m WHERE m.account_id = a.id
         AND EXISTS (SELECT 1 FROM message_locations l WHERE l.message = m.id)) AS actual FROM accounts a`,
    )
    .all() as { id: string; counter: number; actual: number }[];
  for (const account of accounts) expect(account.counter, `account ${account.id}`).toBe(account.actual);
}

describe('message counters', () => {
  it('stay exact through pages, moves, deletes, resets, re-pointed UIDs, orphan GC and removals', () => {
    const { store } = openStore();
    addAccount(store, 'a');
    addAccount(store, 'b');
    const [inbox, archive] = store.mail.upsertFolders(
      'a',
      [
        { path: 'INBOX', name: 'INBOX', role: 'inbox' },
        { path: 'Archive', name: 'Archive', role: 'archive' },
      ],
      () => true,
    );
    const [other] = store.mail.upsertFolders('b', [{ path: 'INBOX', name: 'INBOX', role: 'inbox' }], () => true);
    const mail = store.mail;

    mail.applyPage(page('a', inbox!.id, { upserts: Array.from({ length: 10 }, (_, i) => message(i)) }));
    // Five of them are in Archive too (same identity, other UIDs): still 10 messages.
    mail.applyPage(page('a', archive!.id, { upserts: Array.from({ length: 5 }, (_, i) => message(i, `a${i}`)) }));
    mail.applyPage(page('b', other!.id, { upserts: [message(100), message(101)] }));
    expectExact(store);
    expect(mail.folderMessageCount(inbox!.id)).toBe(10);
    expect(mail.folderMessageCount(archive!.id)).toBe(5);
    expect(mail.accountMessageCount('a')).toBe(10);
    expect(mail.accountMessageCount('b')).toBe(2);

    // Expunged from the Inbox: two of them live on in Archive, one is gone.
    mail.applyPage(page('a', inbox!.id, { deletes: ['0', '1', '9'] }));
    expectExact(store);
    expect(mail.accountMessageCount('a')).toBe(9);

    // A UIDVALIDITY reset of Archive, then two of its messages again; a UID re-pointed.
    mail.applyPage(page('a', archive!.id, { reset: true, upserts: [message(2, 'a2'), message(3, 'a3')] }));
    expectExact(store);
    // Re-pointed UIDs: 5 loses its only location; 2 lives on in Archive, 50 and 60 are new.
    mail.applyPage(page('a', inbox!.id, { upserts: [message(50, '5'), message(60, '2')] }));
    expectExact(store);

    // Orphans collected, a flag change, then a whole folder and an account removed (cascades).
    mail.collectOrphans('a');
    mail.applyPage(page('a', inbox!.id, { flagChanges: [{ remoteId: '2', flags: ['\\Seen'] }] }));
    expectExact(store);
    store.db.prepare('DELETE FROM folders WHERE id = ?').run(archive!.id);
    expectExact(store);
    store.accounts.delete('b');
    expectExact(store);
    expect(mail.accountMessageCount('a')).toBe(mail.folderMessageCount(inbox!.id));
  });

  it('are filled in when an existing store is upgraded', () => {
    const { store, path, keys } = openStore(MIGRATIONS.slice(0, 2));
    addAccount(store, 'a');
    const db = store.db;
    db.prepare(
      "INSERT INTO folders (account_id, path, name, role, sync_enabled) VALUES ('a', 'INBOX', 'INBOX', 'inbox', 1)",
    ).run();
    db.prepare("INSERT INTO threads (account_id, subject_key) VALUES ('a', 's')").run();
    const insertMessage = db.prepare(
      `INSERT INTO messages (account_id, identity, thread_id, date, from_json, to_json, cc_json, bcc_json, reply_to_json,
         references_json, snippet, text_truncated, attachments_json, size, direction, warnings_json, created_at)
       VALUES ('a', ?, 1, '2026-01-01', '[]', '[]', '[]', '[]', '[]', '[]', '', 0, '[]', 1, 'received', '[]', '2026-01-01')`,
    );
    for (let i = 0; i < 4; i++) insertMessage.run(`id-${i}`);
    for (let i = 1; i <= 3; i++) {
      db.prepare(
        "INSERT INTO message_locations (folder_id, remote_id, message, flags_json) VALUES (1, ?, ?, '[]')",
      ).run(String(i), i);
    }
    store.close();
    const upgraded = Store.open(path, keys, { create: false });
    try {
      expect(upgraded.mail.folderMessageCount(1)).toBe(3);
      expect(upgraded.mail.accountMessageCount('a')).toBe(3);
      expectExact(upgraded);
    } finally {
      upgraded.close();
    }
  });
});
